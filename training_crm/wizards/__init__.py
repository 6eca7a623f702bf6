from . import training_crm_lead_reassign
from . import training_crm_lead_hand_back
