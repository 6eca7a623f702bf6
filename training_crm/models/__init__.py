from . import training_crm_grade
from . import training_crm_followup
from . import crm_lead
