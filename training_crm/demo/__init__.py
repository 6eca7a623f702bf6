from . import account_demo
from . import training_study_demo
from . import training_referral_demo
