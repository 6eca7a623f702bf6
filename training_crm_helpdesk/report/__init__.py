from . import training_complaint_report
from . import training_crm_consultant_report
