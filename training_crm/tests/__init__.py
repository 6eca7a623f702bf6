from . import test_training_crm_grade
from . import test_crm_lead_grade
from . import test_demo_data
from . import test_i18n
from . import test_training_crm_followup
from . import test_followup_rpc
from . import test_ui
