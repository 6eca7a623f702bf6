from . import training_crm_funnel_report
from . import training_sales_target
from . import training_commission_plan
from . import training_enrollment_credit
from . import training_commission_statement
from . import training_crm_meeting_pack
from . import training_crm_consultant_snapshot
from . import training_crm_consultant_report
