{
    "name": "Training CRM Reports",
    "summary": "Reports managers read and pay incentives from",
    "version": "18.0.1.3.0",
    "category": "Sales/CRM",
    "website": "https://github.com/training-crm/training-crm",
    "author": "Training CRM",
    "license": "LGPL-3",
    "depends": ["training_crm"],
    "data": [
        "views/crm_lead_report_views.xml",
        "views/training_crm_followup_report_views.xml",
        "security/ir.model.access.csv",
        "security/training_crm_funnel_report_security.xml",
        "views/training_crm_funnel_report_views.xml",
        "security/training_sales_target_security.xml",
        "views/training_sales_target_views.xml",
    ],
}
