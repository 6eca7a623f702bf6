from . import training_commission_demo
