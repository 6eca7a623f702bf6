import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("training_crm_my_day", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open CRM",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "My Day lists the overdue lead first",
            trigger: ".o_list_view .o_data_row:first-child td[name='name']:contains('Glance Overdue')",
        },
        {
            content: "then the lead due today",
            trigger: ".o_list_view .o_data_row:nth-child(2) td[name='name']:contains('Glance Today')",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Keep what is due today",
            trigger: ".o_filter_menu .o-dropdown-item:contains('Due Today')",
            run: "click",
        },
        {
            content: "Only the lead due today is left",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains('Glance Overdue'))) .o_data_row td[name='name']:contains('Glance Today')",
        },
        {
            content: "Switch to the cards",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The card shows the grade in its colour, the collision and the failed attempts",
            trigger:
                ".o_kanban_record:contains('Glance Today') .o_tag.o_tag_color_2:contains('within two weeks') ~ .badge:contains('Collision')",
        },
        {
            trigger:
                ".o_kanban_record:contains('Glance Today') span[title='Failed attempts in a row']:contains('●○○')",
        },
    ],
});

registry.category("web_tour.tours").add("training_crm_forbidden_lead", {
    steps: () => [
        {
            content: "Opening a lead one may not read says so",
            trigger: ".o_notification:contains('You may not open this lead')",
        },
    ],
});

// A consultant's morning: CRM opens on My Day, the overdue lead first; she
// calls, logs it in the dialog, and the lead leaves the overdue list.
registry.category("web_tour.tours").add("training_crm_my_day_log", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open CRM: My Day",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "Open the overdue lead",
            trigger: ".o_list_view .o_data_row:first-child td[name='name']:contains('Day Overdue')",
            run: "click",
        },
        {
            content: "Log Follow-up",
            trigger: ".o_form_view button[name='action_log_followup']",
            run: "click",
        },
        {
            content: "The person answered",
            trigger: ".modal div[name='outcome'] input[data-value='reached']",
            run: "click",
        },
        {
            content: "Write down what was said",
            trigger: ".modal div[name='note'] textarea",
            run: "edit Mother will visit on Saturday",
        },
        {
            content: "Log it",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The follow-up is in the lead's log",
            trigger: ".o_form_view:not(:has(.modal)) div[name='followup_ids'] .o_data_row:contains('visit on Saturday')",
        },
        {
            content: "Back to My Day",
            trigger: ".o_breadcrumb .breadcrumb-item:first-child a",
            run: "click",
        },
        {
            content: "The lead is no longer overdue: the lead due today comes first",
            trigger: ".o_list_view .o_data_row:first-child td[name='name']:contains('Day Today')",
        },
    ],
});
