from . import training_crm_grade
from . import training_crm_followup
from . import crm_lead
from . import crm_team_member
from . import res_users
from . import training_crm_dispute
from . import res_config_settings
from . import training_crm_invalidation
