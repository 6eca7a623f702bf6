import { registry } from "@web/core/registry";

const { DateTime } = luxon;

// A walk-in family tries a class on the spot (到访 → 试听 → 报名): the
// consultant books the trial for now, marks it attended, then sells the course
// as in training_crm_lead_to_enrollment.
registry.category("web_tour.tours").add("training_crm_trial_to_enrollment", {
    steps: () => [
        {
            content: "Book a trial from the lead",
            trigger: ".o_form_view .o_form_statusbar button[name='action_book_trial']",
            run: "click",
        },
        {
            content: "The lead's course of interest is proposed",
            trigger: ".modal .o_field_widget[name='course_id'] input:value(Tour Scratch)",
        },
        {
            content: "The class starts now",
            trigger: ".modal .o_field_widget[name='date'] input",
            run: `edit ${DateTime.now().toFormat("MM/dd/yyyy HH:mm:ss")}`,
        },
        {
            trigger: ".modal .modal-footer button:contains('Book')",
            run: "click",
        },
        {
            content: "Open the lead's trial",
            trigger:
                ".o_form_view:not(:has(.modal)) button[name='action_view_training_trials']:contains('1')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Scratch') td[name='course_id']",
            run: "click",
        },
        {
            content: "After the class: attended",
            trigger: ".o_form_view .o_form_statusbar button[name='action_mark_attended']",
            run: "click",
        },
        {
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains('Attended')):not(:has(button[name='action_mark_attended']))",
        },
        {
            content: "Back to the lead",
            trigger: ".o_breadcrumb a:contains('Tour Lead Scratch')",
            run: "click",
        },
        {
            content: "The trial is in the lead's follow-up log",
            trigger: ".o_form_view button[name='action_view_followups']:contains('1')",
        },
        ...registry.category("web_tour.tours").get("training_crm_lead_to_enrollment").steps(),
    ],
});
