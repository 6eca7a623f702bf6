import { registry } from "@web/core/registry";

// An admin changes a rule of the school in Settings, never in System Parameters.
registry.category("web_tour.tours").add("training_crm_settings", {
    steps: () => [
        {
            content: "The Training CRM block of the CRM settings",
            trigger: "#training_crm_invalidation input#training_invalid_after_attempts_0",
            run: "edit 4",
        },
        {
            content: "A failed streak must span two channels",
            trigger: "input#training_invalid_require_two_channels_0",
            run: "click",
        },
        {
            content: "Mark the page, so that the next steps wait for the reload saving does",
            trigger: "body",
            run: () => document.body.classList.add("o_training_crm_before_save"),
        },
        {
            content: "Save",
            trigger: ".o_control_panel .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the page reloads with the new number",
            trigger:
                "body:not(.o_training_crm_before_save) .o_form_view:not(.o_form_dirty) #training_crm_invalidation input#training_invalid_after_attempts_0:value(4)",
        },
    ],
});
