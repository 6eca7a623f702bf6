from . import training_crm_funnel_report
