from . import report_commission_team
