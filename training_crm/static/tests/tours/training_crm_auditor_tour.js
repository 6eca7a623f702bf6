import { registry } from "@web/core/registry";

// The auditor reads the CRM app like any reader, and finds no act to perform.
registry.category("web_tour.tours").add("training_crm_auditor", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "The CRM app is among the auditor's apps",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "The pipeline shows every team's leads, without joining a team",
            trigger: ".o_kanban_view .o_kanban_record:contains('Audit Lead')",
            run: "click",
        },
        {
            content: "The lead opens",
            trigger: ".o_form_view .o_breadcrumb:contains('Audit Lead')",
        },
        {
            content: "without Won, Lost, Claim, Log Follow-up, Reassign or Contest",
            trigger:
                ".o_form_view:not(:has(button[name='action_set_won_rainbowman'])):not(:has(button[name='action_claim'])):not(:has(button[name='action_log_followup'])):not(:has(button[name='action_reassign'])):not(:has(button[name='action_open_dispute'])):not(:has(.o_statusbar_buttons button:contains('Lost')))",
        },
        {
            content: "nor Enrich, nor an SMS link beside the phone, but the stage shows",
            trigger:
                ".o_form_view:has(.o_field_phone a[href^='tel:']):has(.o_field_widget[name='stage_id']:contains('New')):not(:has(button[name='iap_enrich'])):not(:has(.o_field_phone_sms)):not(:has(.o_statusbar_buttons button))",
        },
        {
            content: "The follow-ups are under Sales",
            trigger: ".o_menu_sections button:contains('Sales')",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='training_crm.training_crm_followup_menu']",
            run: "click",
        },
        {
            content: "The log reads, without a New button",
            trigger:
                ".o_list_view .o_data_row:contains('Audit note'):not(:has(.o_list_button_add))",
        },
        {
            trigger: ".o_control_panel:not(:has(.o_list_button_add))",
        },
        {
            content: "So are the disputes",
            trigger: ".o_menu_sections button:contains('Sales')",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='training_crm.training_crm_dispute_menu']",
            run: "click",
        },
        {
            content: "Open the dispute",
            trigger: ".o_list_view .o_data_row:contains('Audit Student') .o_data_cell",
            run: "click",
        },
        {
            content: "The auditor cannot decide it",
            trigger: ".o_form_view .o_breadcrumb:contains('Audit Student')",
        },
        {
            trigger:
                ".o_form_view:not(:has(button[name='action_decide'])):not(:has(button[name='action_open_decide']))",
        },
    ],
});
