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
