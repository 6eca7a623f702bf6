from . import test_followup_analysis
from . import test_pipeline_by_grade
