import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("training_crm_log_followup", {
    steps: () => [
        {
            content: "Open the Log Follow-up dialog from the lead",
            trigger: ".o_form_view button[name='action_log_followup']",
            run: "click",
        },
        {
            content: "The person answered",
            trigger: ".modal div[name='outcome'] input[data-value='reached']",
            run: "click",
        },
        {
            content: "Choose WeChat",
            trigger: ".modal div[name='channel'] input[data-value='wechat']",
            run: "click",
        },
        {
            content: "Write down what was said",
            trigger: ".modal div[name='note'] textarea",
            run: "edit Parent wants the Saturday class",
        },
        {
            content: "Log it",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The follow-up appears in the lead's Follow-ups tab",
            trigger: ".o_form_view div[name='followup_ids'] .o_data_row:contains('Saturday class')",
        },
        {
            content: "and as a summary in the chatter",
            trigger: ".o-mail-Message-body:contains('Follow-up by WeChat')",
        },
    ],
});

registry.category("web_tour.tours").add("training_crm_claim", {
    steps: () => [
        {
            content: "A pool lead shows the Claim button",
            trigger: ".o_form_view button[name='action_claim']",
            run: "click",
        },
        {
            content: "Once claimed, the Claim button is gone",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='action_claim']))",
        },
        {
            content: "and the chatter says who claimed it",
            trigger: ".o-mail-Message-body:contains('Claimed from the pool by Tour Claimer')",
        },
    ],
});

registry.category("web_tour.tours").add("training_crm_chatter_followup", {
    steps: () => [
        {
            content: "Log Follow-up sits next to Log note in the lead's chatter",
            trigger: ".o-mail-Chatter .o-training-crm-logFollowup",
            run: "click",
        },
        {
            content: "Nobody answered",
            trigger: ".modal div[name='outcome'] input[data-value='no_answer']",
            run: "click",
        },
        {
            content: "Say so",
            trigger: ".modal div[name='note'] textarea",
            run: "edit Rang twice, no answer",
        },
        {
            content: "Log it",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The chatter shows it at once",
            trigger: ".o-mail-Message-body:contains('Rang twice, no answer')",
        },
        {
            content: "and the lead's counter moved",
            trigger: ".o_form_view .o_field_widget[name='failed_attempt_count']:contains('1')",
        },
    ],
});
