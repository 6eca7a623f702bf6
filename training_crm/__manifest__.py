{
    "name": "Training CRM",
    "summary": "Lead grading, follow-ups and first-contact ownership for training schools",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "website": "https://github.com/training-crm/training-crm",
    "author": "Training CRM",
    "license": "LGPL-3",
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "depends": ["crm"],
    "data": [
        "security/training_crm_security.xml",
        "security/ir.model.access.csv",
        "data/training_crm_grade_data.xml",
        "data/training_crm_data.xml",
        "data/ir_cron_data.xml",
        "views/training_crm_grade_views.xml",
        "views/training_crm_followup_views.xml",
        "views/training_crm_dispute_views.xml",
        "wizards/training_crm_lead_reassign_views.xml",
        "views/crm_lead_views.xml",
        "views/training_crm_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "training_crm/static/src/**/*",
        ],
        "web.assets_tests": [
            "training_crm/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/res_users_demo.xml",
        "demo/crm_lead_demo.xml",
        "demo/training_crm_followup_demo.xml",
        "demo/training_crm_ownership_demo.xml",
    ],
}
