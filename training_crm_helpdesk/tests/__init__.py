from . import test_complaint
from . import test_complaint_rpc
from . import test_i18n
from . import test_complaint_sla
from . import test_complaint_report
from . import test_complaint_value_grade
from . import test_meeting_pack_complaints
from . import test_consultant_report_complaints
