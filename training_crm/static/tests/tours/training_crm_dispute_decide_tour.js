import { registry } from "@web/core/registry";

// A supervisor decides a tie: the winner with her facts, the reason, the merge.
registry.category("web_tour.tours").add("training_crm_dispute_decide", {
    steps: () => [
        {
            content: "Both consultants are named in the dispute",
            trigger: ".o_form_view .o_field_widget[name=side_ids] .o_data_row:contains('Tour Winner')",
        },
        {
            content: "Decide",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_decide]",
            run: "click",
        },
        {
            content: "Pick the winner, shown with her side's facts",
            trigger:
                ".modal .o_field_widget[name=winner_side_id] .o_radio_item:contains('Tour Winner'):contains('follow-ups') input",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=decision_note] textarea",
            run: "edit Trial class booked",
        },
        {
            content: "Merging the person's two leads is proposed",
            trigger: ".modal .o_field_widget[name=merge_leads] input:checked",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The dispute is decided",
            trigger:
                ".o_form_view:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Decided')",
        },
    ],
});
