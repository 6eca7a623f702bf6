import { registry } from "@web/core/registry";

// A supervisor gives a consultant's lead to a colleague, and says why.
registry.category("web_tour.tours").add("training_crm_reassign", {
    steps: () => [
        {
            content: "The salesperson is not edited on the form: Reassign is the door",
            trigger: ".o_form_view .o_field_widget[name='user_id'].o_readonly_modifier",
        },
        {
            content: "Reassign",
            trigger: ".o_form_view button[name='action_reassign']",
            run: "click",
        },
        {
            content: "Pick the colleague",
            trigger: ".modal .o_field_widget[name='user_id'] input",
            run: "edit Tour Colleague",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Colleague')",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Owner on leave for a month",
        },
        {
            trigger: ".modal button[name='action_reassign']",
            run: "click",
        },
        {
            content: "The lead shows its new owner",
            trigger: ".o_form_view:not(:has(.modal)) .o_field_widget[name='user_id']:contains('Tour Colleague')",
        },
    ],
});
