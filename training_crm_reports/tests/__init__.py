from . import test_followup_analysis
from . import test_pipeline_by_grade
from . import test_enrolment_funnel
from . import test_sales_target
from . import test_commission_plan
from . import test_enrollment_credit
from . import test_commission_statement
from . import test_commission_report
