# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Training CRM Helpdesk",
    "summary": "Complaints of training schools' families on the OCA helpdesk",
    "version": "18.0.1.1.0",
    "category": "After-Sales",
    "website": "https://github.com/training-crm/training-crm",
    "author": "Training CRM",
    "license": "AGPL-3",
    "depends": ["training_crm", "helpdesk_mgmt_sla"],
    "data": [
        "security/training_crm_helpdesk_security.xml",
        "security/ir.model.access.csv",
        "data/helpdesk_complaint_data.xml",
        "data/helpdesk_sla_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/res_partner_views.xml",
        "views/training_enrollment_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": ["demo/helpdesk_calendar_demo.xml", "demo/helpdesk_ticket_demo.xml"],
}
