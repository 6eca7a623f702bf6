from . import helpdesk_sla
from . import helpdesk_ticket_stage
from . import helpdesk_ticket_team
from . import helpdesk_ticket
from . import helpdesk_ticket_sla
from . import res_config_settings
from . import res_partner
from . import training_enrollment
