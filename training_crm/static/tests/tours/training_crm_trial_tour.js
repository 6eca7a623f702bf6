import { registry } from "@web/core/registry";

// A consultant books a trial class from the lead, finds it behind the smart
// button, and in the Trial Classes calendar.
registry.category("web_tour.tours").add("training_crm_trial", {
    steps: () => [
        {
            content: "Book a trial from the lead",
            trigger: ".o_form_view .o_form_statusbar button[name='action_book_trial']",
            run: "click",
        },
        {
            content: "The lead's course of interest is proposed",
            trigger:
                ".modal .o_field_widget[name='course_id'] input:value(Tour Robotics)",
        },
        {
            content: "Pick the date and time",
            trigger: ".modal .o_field_widget[name='date'] input",
            run: "edit 01/15/2099 10:00:00",
        },
        {
            trigger: ".modal .o_field_widget[name='note'] textarea",
            run: "edit Comes with her father",
        },
        {
            content: "Book",
            trigger: ".modal .modal-footer button:contains('Book')",
            run: "click",
        },
        {
            content: "The lead shows its trial",
            trigger: ".o_form_view:not(:has(.modal)) button[name='action_view_training_trials']:contains('1')",
            run: "click",
        },
        {
            content: "The trial is listed, booked",
            trigger: ".o_list_view .o_data_row:contains('Tour Robotics'):contains('Booked')",
        },
        {
            content: "and in the calendar",
            trigger: ".o_switch_view.o_calendar",
            run: "click",
        },
        {
            trigger: ".o_calendar_view",
        },
    ],
});
