from . import training_complaint_report
