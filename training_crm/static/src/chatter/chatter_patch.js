import { Chatter } from "@mail/chatter/web_portal/chatter";
import { patch } from "@web/core/utils/patch";

// "Log Follow-up" next to "Log note" on leads: the follow-up log lives where
// consultants already write about the person.
patch(Chatter.prototype, {
    async onClickLogFollowup() {
        const thread = this.state.thread;
        const action = await this.env.services.orm.call("crm.lead", "action_log_followup", [
            [thread.id],
        ]);
        await this.env.services.action.doAction(action, {
            onClose: () => {
                this.load(thread, ["activities", "messages"]);
                this.reloadParentView();
            },
        });
    },
});
