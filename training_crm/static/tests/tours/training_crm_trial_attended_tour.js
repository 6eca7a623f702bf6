import { registry } from "@web/core/registry";

// After the trial class: the consultant marks it attended from the list of
// the lead's trials; the lead's follow-up log records it.
registry.category("web_tour.tours").add("training_crm_trial_attended", {
    steps: () => [
        {
            content: "Open the lead's trials",
            trigger: ".o_form_view button[name='action_view_training_trials']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Piano') td[name='course_id']",
            run: "click",
        },
        {
            content: "Mark it attended",
            trigger: ".o_form_view .o_form_statusbar button[name='action_mark_attended']",
            run: "click",
        },
        {
            content: "The trial is attended, the buttons gone",
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains('Attended')):not(:has(button[name='action_mark_attended']))",
        },
        {
            content: "Back to the lead",
            trigger: ".o_breadcrumb a:contains('Tour Trial Done')",
            run: "click",
        },
        {
            content: "Its follow-up log has the trial",
            trigger: ".o_form_view button[name='action_view_followups']:contains('1')",
        },
    ],
});
