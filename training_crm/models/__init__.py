from . import training_crm_grade
from . import crm_lead
