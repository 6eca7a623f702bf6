from . import training_crm_lead_reassign
from . import training_crm_dispute_decide
from . import training_crm_lead_hand_back
from . import training_enrollment_editor
from . import training_enrollment_change_wizard
from . import training_family_anonymize
from . import training_crm_lookup
