from . import training_crm_lead_reassign
