"""Practice material for mock interviews and stakeholder role-plays.

A starter bank written for engineers moving into product management, aimed at
the domains where technical depth counts (infrastructure, developer tools, ML
platforms, fintech). Three parts:

- QUESTIONS: mock-interview questions, one INTERVIEW_KINDS key each, with
  follow-ups for the mentor and a note on what a strong answer shows.
- PERSONAS: stakeholder cards for role-play. The mentor plays the persona; the
  hidden constraint is for the mentor only and is what the mentee should draw out.
- RUBRICS: how a mentor scores a session, every dimension from 1 to 4.

Keys are stored with sessions and feedback, so they never change meaning: a
question whose meaning changes gets a new key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from pmcohort.domain.vocabulary import INTERVIEW_KINDS

SCORE_MIN = 1
SCORE_MAX = 4
ROLE_PLAY = "role_play"  # the session kind scored with the influence rubric


@dataclass(frozen=True)
class PracticeQuestion:
    key: str
    kind: str  # an INTERVIEW_KINDS key
    prompt: str
    follow_ups: tuple[str, ...]
    strong_answer: str  # what a strong answer shows; a guide for the mentor, not a script


@dataclass(frozen=True)
class PersonaCard:
    key: str
    title: str
    situation: str  # read by both: the scene the mentee walks into
    wants: str  # what the persona asks for out loud
    hidden_constraint: str  # mentor only: what is really driving them
    pushback_lines: tuple[str, ...]


@dataclass(frozen=True)
class RubricDimension:
    key: str
    label: str
    what_4_looks_like: str
    what_1_looks_like: str


@dataclass(frozen=True)
class Rubric:
    key: str
    title: str
    dimensions: tuple[RubricDimension, ...]

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)


def _q(key: str, kind: str, prompt: str, follow_ups: tuple[str, ...], strong_answer: str) -> PracticeQuestion:
    return PracticeQuestion(key, kind, prompt, follow_ups, strong_answer)


# --- questions

_PRODUCT_SENSE: tuple[PracticeQuestion, ...] = (
    _q(
        "ps_api_platform_onboarding",
        "product_sense",
        "Improve the onboarding of a developer API platform. Many people sign up and "
        "create a key, but most never make a successful call from their own code.",
        (
            "Which group of sign-ups would you help first, and what makes them the right first bet?",
            "How would you know in a month whether your change worked?",
            "An engineer proposes generated SDKs in six languages. What do you say?",
        ),
        "Defines 'onboarded' as a user outcome (a first successful call from real code) and "
        "separates who signs up, such as hobbyists versus teams evaluating a vendor. Picks one "
        "segment and one drop-off point from evidence before proposing a few options with "
        "trade-offs, and measures time to first successful call with a guardrail.",
    ),
    _q(
        "ps_flaky_tests",
        "product_sense",
        "Design a product that helps engineering teams live with, and reduce, flaky tests in CI.",
        (
            "Who suffers most from a flaky test: the author, the reviewer, or the person on release duty?",
            "You have one quarter. What do you leave out of version one?",
            "What would make a team switch this off after a week?",
        ),
        "Stays in the problem before designing detection algorithms: who loses time, when, and "
        "what they do today (rerun, skip, mute). Chooses a user and a moment, proposes a small "
        "first version, and names a metric such as time lost to reruns rather than flakes detected.",
    ),
    _q(
        "ps_feature_store_adoption",
        "product_sense",
        "Your company built an internal ML feature store, yet most data scientists still build "
        "features by hand in notebooks. What do you do?",
        (
            "How would you find out why they don't use it, without a survey?",
            "Leadership wants a mandate that everyone must use it. Your view?",
            "What does adoption mean here, and what would a good number look like?",
        ),
        "Treats low adoption as a discovery question: watches real workflows, separates what "
        "users say from what they do, and finds the moment the store costs more than it saves. "
        "Weighs fixing the product against a mandate, and defines adoption by models in "
        "production that rely on it, not by sign-ups.",
    ),
    _q(
        "ps_cloud_cost_for_eng_managers",
        "product_sense",
        "Design a cloud-cost product for engineering managers at a company of about 500 people. "
        "Finance already has its own reports.",
        (
            "What decision does an engineering manager make with this, and how often?",
            "How would you keep it from becoming one more dashboard nobody opens?",
            "Finance wants the same numbers as their reports, to the cent. How do you handle that?",
        ),
        "Starts from the decisions a manager actually makes (approve a new service, cut waste, "
        "plan a budget) rather than from charts. Distinguishes managers from finance and from "
        "individual engineers, proposes something that meets them in their existing workflow, "
        "and measures changed decisions or saved spend, not page views.",
    ),
    _q(
        "ps_merchant_payouts",
        "product_sense",
        "Improve the payout experience for small merchants on a card-payments platform.",
        (
            "What do you think a merchant worries about most: speed, predictability or fees?",
            "Instant payouts cost the company money per transfer. How do you decide whether to offer them?",
            "Which metric would you watch to make sure a change doesn't hurt the business?",
        ),
        "Segments merchants (cash-tight new sellers, seasonal shops, established businesses) and "
        "finds the real anxiety, often not knowing when money arrives rather than raw speed. "
        "Prioritizes with cost and risk in view, and pairs a merchant metric with a business "
        "guardrail such as loss rate or margin.",
    ),
    _q(
        "ps_incident_tool_small_startup",
        "product_sense",
        "Design an on-call and incident tool for startups of about fifteen engineers with no "
        "dedicated operations team.",
        (
            "How is this different from what a 2,000-person company needs?",
            "What would you not build, even if every customer asked for it?",
            "How would the product make money without annoying its first users?",
        ),
        "Describes the user's reality (everyone is on call, incidents are rare but frightening, "
        "there is no process to plug into) and designs for that rather than shrinking an "
        "enterprise tool. Makes explicit choices about what to leave out and ties success to "
        "faster recovery and calmer on-call, not features shipped.",
    ),
    _q(
        "ps_bulk_export_request",
        "product_sense",
        "Your largest customer asks for a bulk export API for all their data in your analytics "
        "product. How do you decide whether, and what, to build?",
        (
            "What would you ask the customer before you write anything down?",
            "Suppose the real reason is that they are evaluating a competitor. Now what?",
            "How do you explain your decision to the account executive?",
        ),
        "Treats the request as a clue, not a specification: asks what they do with the data, how "
        "often, and what breaks today. Separates the stated want from the underlying need, checks "
        "whether other customers share it, and can say no or offer something smaller in terms "
        "the customer and sales team accept.",
    ),
    _q(
        "ps_code_review_assistant_success",
        "product_sense",
        "You own an AI code-review assistant inside a code-hosting product. How would you decide "
        "whether it is succeeding, and what would you change next?",
        (
            "Accepted suggestions went up 30%. Is that good news?",
            "Which users might this feature hurt?",
            "What would make you switch it off?",
        ),
        "Names the goal (fewer defects reaching production, faster reviews, less reviewer load) "
        "before any metric, and sees how easy metrics such as suggestion count can mislead. "
        "Considers authors, reviewers and maintainers separately, and proposes a primary metric "
        "with counter-metrics for noise and trust.",
    ),
    _q(
        "ps_database_second_month_churn",
        "product_sense",
        "Customers of your managed database service leave at an unusual rate in their second "
        "month. What do you do?",
        (
            "What data would you look at first, and what would you expect it to show?",
            "Sales says the price is the problem. How do you test that?",
            "What would you change first if you had only two engineers for a month?",
        ),
        "Forms hypotheses before fixing anything (the first bill, a failed migration, a missing "
        "feature, a free tier ending) and says how each would be checked with data and "
        "conversations with customers who left. Prioritizes one fix by evidence and expected "
        "impact, and measures retention at the right point in time.",
    ),
    _q(
        "ps_open_source_first_paid_offer",
        "product_sense",
        "Design the first paid offering for a popular open-source command-line tool for "
        "infrastructure engineers.",
        (
            "Who pays: the engineer who uses it or someone else?",
            "How do you keep the open-source community on your side?",
            "How would you know within six months that you picked the wrong offer?",
        ),
        "Separates the user from the buyer and finds what an organization, not an individual, "
        "would pay for (team controls, audit, support, hosted state). Weighs community trust "
        "as a real constraint, proposes a narrow first offer, and says what would prove it wrong.",
    ),
    _q(
        "ps_internal_deploy_tool",
        "product_sense",
        "You become PM of the internal deployment tool used by 300 engineers. How do you decide "
        "what to improve first?",
        (
            "The tech lead says the only real fix is a rewrite. What do you do with that?",
            "Your users are engineers like you used to be. Does that make discovery easier or harder?",
            "How do you show leadership the value of an internal tool?",
        ),
        "Does discovery even though the users are colleagues, and does not assume their own "
        "engineering pain is everyone's. Treats the rewrite as one option to weigh against user "
        "outcomes rather than a decision to make or veto alone, and expresses value in business "
        "terms such as lead time, failed deploys or hours saved.",
    ),
    _q(
        "ps_freelancer_banking",
        "product_sense",
        "A digital bank wants to serve freelancers better. Design one feature for them.",
        (
            "Which freelancers, and what do they worry about at the end of a month?",
            "How would regulation or risk shape your design?",
            "What would you measure, and over what time window?",
        ),
        "Picks a clear segment (for example, software contractors with irregular income) and a "
        "painful moment such as setting money aside for tax, then compares a few options with "
        "trade-offs including compliance and fraud risk. Defines success by behaviour change and "
        "retention, not feature usage alone.",
    ),
)

_ESTIMATION: tuple[PracticeQuestion, ...] = (
    _q(
        "est_ci_minutes",
        "estimation",
        "How many CI minutes does a company with 200 engineers run in a month?",
        (
            "Which assumption moves the answer the most?",
            "How would you check your estimate against reality?",
            "What does your number mean for whether the company should buy or host its own runners?",
        ),
        "Builds a clear chain (engineers, pushes or pull requests per day, pipelines per push, "
        "minutes per pipeline, working days), states each assumption, rounds sensibly, and "
        "sanity-checks the result. Names the most sensitive assumption and turns the number "
        "into a decision.",
    ),
    _q(
        "est_secrets_manager_market",
        "estimation",
        "Estimate the yearly revenue opportunity in Europe for a secrets-management product "
        "sold to companies with 50 to 500 engineers.",
        (
            "Did you size the whole market or the part you could realistically win?",
            "How would pricing per seat versus per secret change your answer?",
            "Would this number convince you to fund the product?",
        ),
        "Defines the market before counting, estimates the number of target companies and a "
        "plausible price, and separates total from reachable market. Checks the result from a "
        "second angle and says what the number implies for the business.",
    ),
    _q(
        "est_fine_tuning_gpu_hours",
        "estimation",
        "How many GPU hours a month will a new self-serve model fine-tuning service need in its "
        "first six months?",
        (
            "How would you turn this into a budget the finance team understands?",
            "What happens if you are wrong by a factor of three in either direction?",
            "Which number would you watch weekly after launch?",
        ),
        "Estimates demand from users rather than hardware first (customers, jobs per customer, "
        "hours per job), shows a ramp rather than one number, and states the most uncertain "
        "assumption. Discusses the cost of over- and under-provisioning in business terms.",
    ),
    _q(
        "est_log_volume_cost",
        "estimation",
        "How much log data does a SaaS company of 1,000 employees ingest a day, and what does "
        "keeping it for 30 days cost?",
        (
            "Which services produce most of the volume, and why?",
            "How would you cut the bill without making on-call engineers angry?",
            "How confident are you, and what would raise that confidence?",
        ),
        "Breaks volume down by source (requests, services, log lines per request, bytes per "
        "line), multiplies to a daily and monthly figure with sensible rounding, and prices "
        "storage and indexing. Offers an order-of-magnitude check and a view on trade-offs.",
    ),
    _q(
        "est_neobank_peak_tps",
        "estimation",
        "Estimate the peak number of card transactions per second for a neobank with five "
        "million customers.",
        (
            "When is the peak, and how much higher is it than the average?",
            "Why would a product manager care about this number?",
            "What would change if half the customers were businesses?",
        ),
        "Moves from active customers to transactions per day to an average rate, then reasons "
        "about the peak factor (lunchtime, paydays, holiday sales). Explains why the number "
        "matters for cost, reliability targets or partner contracts.",
    ),
    _q(
        "est_api_deprecation_tickets",
        "estimation",
        "You are retiring version 1 of a public API used by 8,000 customer accounts. How many "
        "support tickets should the support team plan for?",
        (
            "How would the way you announce it change the number?",
            "Which customers will generate most of the tickets?",
            "What would you do to halve the number?",
        ),
        "Segments accounts by how heavily they rely on version 1, estimates the share that will "
        "need help and the tickets per affected account, and spreads them over time around the "
        "announcements and the cut-off. Uses the estimate to change the rollout plan.",
    ),
    _q(
        "est_paid_terminal_market",
        "estimation",
        "How many professional developers are there worldwide, and how many could plausibly pay "
        "for a premium terminal app?",
        (
            "How did you pick the share willing to pay?",
            "Would you target individuals or companies first?",
            "What is the annual revenue at a realistic price?",
        ),
        "Reaches a defensible global figure from population or employment data, then narrows it "
        "step by step (operating system, terminal-heavy work, willingness to pay) with each cut "
        "justified. Turns the result into revenue and says whether it supports a business.",
    ),
    _q(
        "est_feature_flags_build_cost",
        "estimation",
        "Estimate what it costs a company per year to run its own in-house feature-flag system "
        "instead of buying one.",
        (
            "Which costs did you leave out, and why?",
            "At what company size does building it pay off?",
            "How would you present this to a CFO in two sentences?",
        ),
        "Counts more than servers: engineer time to maintain it, on-call load, incidents, and the "
        "missing features people work around. States assumptions, compares with a plausible "
        "vendor price, and frames the result as a business decision rather than a technical preference.",
    ),
    _q(
        "est_status_page_outage_traffic",
        "estimation",
        "How many requests per second does a large cloud provider's status page receive during a "
        "major outage?",
        (
            "Where does that traffic come from: people, scripts or both?",
            "How does your estimate change the way the status page should be hosted?",
            "What is the cost of getting this wrong?",
        ),
        "Estimates the affected customers, the people and automated checks refreshing the page, "
        "and how often they do so, then derives a peak rate and sanity-checks it. Connects the "
        "number to a product decision about reliability and communication during incidents.",
    ),
    _q(
        "est_invoice_fraud_losses",
        "estimation",
        "Estimate how much money a business-to-business payments company loses to invoice fraud "
        "each year, and what cutting that by 20% would be worth.",
        (
            "What is the value to customers, as opposed to the company?",
            "How would you weigh that against the friction of extra checks?",
            "Which number would you most want to measure instead of assume?",
        ),
        "Starts from payment volume, a plausible fraud rate and who bears the loss, and reaches "
        "an annual figure with stated assumptions. Values the reduction for both company and "
        "customers and weighs it against the cost of friction for honest users.",
    ),
    _q(
        "est_developer_portal_onboarding_value",
        "estimation",
        "A new internal developer portal would cut a new engineer's setup time from five days to "
        "one. What is that worth per year to a company with 2,000 engineers?",
        (
            "Besides new hires, who else benefits?",
            "Which parts of the value would finance accept, and which would they question?",
            "How would you measure the real saving after launch?",
        ),
        "Estimates yearly hires from headcount and attrition, converts saved days into loaded "
        "cost, and adds sensible second-order effects without overclaiming. Distinguishes hard "
        "from soft savings and proposes how to measure the effect after launch.",
    ),
    _q(
        "est_daily_pull_requests",
        "estimation",
        "How many pull requests are opened each day on public code-hosting sites worldwide?",
        (
            "How do you account for automated pull requests from bots?",
            "How would you validate this with public data?",
            "Name a product decision this number could inform.",
        ),
        "Picks a structure (active developers times pull requests per developer, or "
        "repositories times activity), states assumptions including bot traffic, and reaches an "
        "order-of-magnitude answer with a quick cross-check and a use for the number.",
    ),
)

_BEHAVIORAL: tuple[PracticeQuestion, ...] = (
    _q(
        "beh_influence_without_authority",
        "behavioral",
        "Tell me about a time you got a team that did not report to you to change its plans.",
        (
            "What did they care about that you had to learn first?",
            "What would you do differently with the same team today?",
            "How did the relationship look six months later?",
        ),
        "A specific story in which the candidate learned the other team's goals and constraints, "
        "framed the request in their terms and reached a concrete agreement. Shows trust and "
        "clarity doing the work, not seniority or escalation, and reflects on what they learned.",
    ),
    _q(
        "beh_disagree_and_commit",
        "behavioral",
        "Describe a decision you disagreed with but had to carry out. What did you do?",
        (
            "How did you make your case before the decision was made?",
            "What did you tell your team about it?",
            "Were you right in the end, and how do you know?",
        ),
        "Shows the candidate argued with evidence through the right channel, then committed fully "
        "without undermining the decision in front of others. Reflects honestly on the outcome, "
        "including what the other side saw that they did not.",
    ),
    _q(
        "beh_said_no",
        "behavioral",
        "Tell me about a time you said no to a senior stakeholder or an important customer.",
        (
            "What did you offer instead?",
            "How did they take it, and how did you know?",
            "Would you say no again?",
        ),
        "Grounds the no in priorities and evidence rather than preference, delivers it in the "
        "other person's terms, and offers an alternative or a path to yes. The relationship "
        "survives, and the candidate can say what the no protected.",
    ),
    _q(
        "beh_stakeholder_conflict",
        "behavioral",
        "Tell me about two stakeholders who wanted incompatible things from you. How did it end?",
        (
            "Did you decide, or did you get them to decide together?",
            "What did each of them really need underneath the request?",
            "What would have happened if you had done nothing?",
        ),
        "Uncovers the interests behind each position, makes the trade-off explicit and visible "
        "rather than quietly splitting the difference, and drives to a decision with the right "
        "owner. Both stakeholders understand why, even if one is disappointed.",
    ),
    _q(
        "beh_failure",
        "behavioral",
        "Tell me about a project that failed. What was your part in the failure?",
        (
            "When did you first suspect it would fail, and what did you do then?",
            "What do you do differently now because of it?",
            "Who else was affected, and how did you handle that?",
        ),
        "Picks a real failure, owns their share without blaming others or hiding behind the team, "
        "and names early warning signs they missed. Shows a concrete change in how they work "
        "since, ideally with a later example.",
    ),
    _q(
        "beh_solved_wrong_problem",
        "behavioral",
        "Tell me about a time you built the wrong thing, or nearly did, because the problem was "
        "not understood well enough.",
        (
            "What question, asked earlier, would have saved the effort?",
            "How do you stop yourself from jumping to solutions now?",
            "How did you explain the miss to the people who asked for it?",
        ),
        "Shows self-awareness about reaching for a solution before understanding the user, and "
        "describes a specific habit adopted since, such as several follow-up questions or a "
        "written problem statement before any design. Clear on the cost of the miss.",
    ),
    _q(
        "beh_letting_go_technical_call",
        "behavioral",
        "Tell me about a time you had to let someone else make a technical decision you would "
        "have made differently.",
        (
            "Where do you draw the line between the what and the how?",
            "What did you do when you saw a real risk in their approach?",
            "How would you handle this as a PM with engineers who know you were an engineer?",
        ),
        "Separates stating what needs to be true and why from dictating how to build it. Raised "
        "real risks once and clearly, then trusted the owner, and understands how hovering over "
        "technical choices erodes a team's ownership.",
    ),
    _q(
        "beh_why_product",
        "behavioral",
        "Why do you want to move from engineering into product management, and why now?",
        (
            "What will you miss about engineering?",
            "What PM work have you already done without the title?",
            "Which part of the PM job do you expect to find hardest?",
        ),
        "Gives a motivation rooted in the outcomes and users they want to own, not escape from "
        "engineering or a wish to be the one who decides. Backs it with real PM work already done "
        "(discovery, specs, prioritization) and names their gaps honestly with a plan to close them.",
    ),
    _q(
        "beh_ambiguity",
        "behavioral",
        "Tell me about a time you had to make progress when the goal was unclear and nobody "
        "owned the problem.",
        (
            "How did you decide what to do first?",
            "How did you get others to follow a direction nobody had assigned?",
            "When did you know you had enough clarity to commit?",
        ),
        "Shows comfort with ambiguity: clarifies the goal by talking to the people affected, "
        "writes down a working hypothesis, takes a small step, and updates. Brings others along "
        "without formal authority.",
    ),
    _q(
        "beh_explaining_to_non_technical",
        "behavioral",
        "Tell me about a time you had to convince a non-technical audience of something "
        "technical, such as an executive, a sales team or a customer.",
        (
            "What did you leave out, and why?",
            "How did you know they really understood?",
            "What decision did they make as a result?",
        ),
        "Translates technical facts into what the audience cares about (risk, cost, time, "
        "customers), cuts detail deliberately, checks understanding, and ties the conversation "
        "to a decision the audience then made.",
    ),
    _q(
        "beh_customer_changed_plan",
        "behavioral",
        "Tell me about something you learned from a user or customer that changed what your "
        "team built.",
        (
            "How did you get to talk to them in the first place?",
            "How did you tell a real need from a one-off request?",
            "How did you convince the team to change course?",
        ),
        "Describes real contact with users, an insight that went beyond the literal request, and "
        "how it was checked against other evidence before the team changed direction. Shows "
        "discovery happening even without a PM title.",
    ),
    _q(
        "beh_hard_feedback",
        "behavioral",
        "Tell me about the hardest feedback you have received at work and what you changed "
        "because of it.",
        (
            "What was your first reaction?",
            "How did you check whether you had really changed?",
            "How do you ask for feedback now?",
        ),
        "Chooses feedback that stung, describes the reaction honestly, and shows a lasting change "
        "with evidence. Demonstrates actively seeking feedback, including on soft skills that "
        "engineers often skip.",
    ),
)

QUESTIONS: tuple[PracticeQuestion, ...] = _PRODUCT_SENSE + _ESTIMATION + _BEHAVIORAL
QUESTIONS_BY_KEY: dict[str, PracticeQuestion] = {q.key: q for q in QUESTIONS}


# --- personas

PERSONAS: tuple[PersonaCard, ...] = (
    PersonaCard(
        key="skeptical_vp",
        title="Skeptical VP of Product",
        situation=(
            "You have fifteen minutes with the VP to ask for two engineers for a quarter to "
            "improve onboarding on the developer platform. The VP has read your one-page summary "
            "on the way in."
        ),
        wants="A reason to believe this beats the three other requests on the VP's desk, in business terms.",
        hidden_constraint=(
            "The VP has already half-promised those engineers to an enterprise deal the CEO "
            "cares about, and will only move if the mentee shows impact on revenue or "
            "retention, or offers a smaller first step that doesn't touch the deal."
        ),
        pushback_lines=(
            "Onboarding has been 'the problem' for two years. Why is this time different?",
            "You're telling me about API latency. What does this do for revenue?",
            "What happens if I give you one engineer instead of two?",
            "How will I know in six weeks that this is working?",
        ),
    ),
    PersonaCard(
        key="eng_lead_hidden_constraint",
        title="Engineering lead with something they haven't said",
        situation=(
            "You want the platform team to add usage-based billing events to the metering "
            "service this quarter. The engineering lead keeps saying it is 'more complicated "
            "than it looks' without saying why."
        ),
        wants="To avoid committing to a date they don't believe in.",
        hidden_constraint=(
            "The metering service is owned by one engineer who is leaving in six weeks, and a "
            "data migration is already late. The lead is embarrassed about the migration and "
            "won't bring it up unless asked good questions without blame."
        ),
        pushback_lines=(
            "It's not a two-week job, whatever the ticket says.",
            "You used to be an engineer. You know how these estimates go.",
            "If you want it faster, tell me what to drop.",
            "I'd rather not put a date on it until we've looked properly.",
        ),
    ),
    PersonaCard(
        key="sales_lead_customer_promise",
        title="Sales lead who promised a customer",
        situation=(
            "A sales lead tells you that a large fintech prospect will sign only if single "
            "sign-on with their identity provider ships by the end of next month. The roadmap "
            "has it next half."
        ),
        wants="A committed date they can put in the contract.",
        hidden_constraint=(
            "The prospect's real blocker is their security review, which needs a credible plan "
            "and a written commitment, not necessarily the feature shipped by that date. The "
            "sales lead also misses their quarter if the deal slips."
        ),
        pushback_lines=(
            "This is the biggest deal of the year. Product keeps saying no to revenue.",
            "They're going with the competitor if we don't commit.",
            "Can't engineering just work a couple of weekends?",
            "I already told them it was on the roadmap.",
        ),
    ),
    PersonaCard(
        key="compliance_reviewer",
        title="Legal and compliance reviewer",
        situation=(
            "You are launching a feature that lets customers share model-training datasets with "
            "partner workspaces. The compliance reviewer has flagged it the week before launch."
        ),
        wants="To understand where personal data goes, who can see it, and how it can be deleted.",
        hidden_constraint=(
            "The reviewer is not against the feature. They were burned by a launch last year "
            "whose data flows were described wrongly, and they will approve quickly if given a "
            "clear, plain-language data flow and a default that keeps sharing off for regulated "
            "customers."
        ),
        pushback_lines=(
            "I got the spec three days ago, and it is mostly about the API.",
            "'We don't store anything sensitive' isn't an answer I can sign.",
            "What happens when a customer asks us to delete their data from a partner's copy?",
            "I can't approve this for Friday.",
        ),
    ),
    PersonaCard(
        key="bypassed_designer",
        title="Designer who feels bypassed",
        situation=(
            "You sketched the new billing settings page yourself and gave it to engineering to "
            "move faster. The product designer found out in the sprint review."
        ),
        wants="To be involved from the problem, not handed screens to polish.",
        hidden_constraint=(
            "The designer ran user research last quarter showing customers misread the current "
            "billing page, and your sketch repeats the same mistake. They are hurt and also "
            "have evidence the mentee needs."
        ),
        pushback_lines=(
            "So you don't need a designer anymore?",
            "Engineers drawing screens is exactly how we got the current page.",
            "Did anyone look at the research I shared in March?",
            "I'm happy to help, but not to put lipstick on a decision that's already made.",
        ),
    ),
    PersonaCard(
        key="support_lead_overloaded",
        title="Support lead with a swamped queue",
        situation=(
            "Since the last release of the CLI, support tickets about authentication errors have "
            "doubled. The support lead wants you to stop the next release until it is fixed."
        ),
        wants="A fix now and a say before future releases.",
        hidden_constraint=(
            "Two support engineers are on leave and the team is running at half strength; most "
            "tickets come from one confusing error message, which a small change and a help "
            "article would fix, but nobody has asked support which message it is."
        ),
        pushback_lines=(
            "Every release, my team finds out about changes from angry customers.",
            "Your dashboards say things are fine. My queue says otherwise.",
            "Don't tell me it's a small percentage of users. It's all of my day.",
        ),
    ),
)
PERSONAS_BY_KEY: dict[str, PersonaCard] = {p.key: p for p in PERSONAS}


# --- rubrics

_DIM = RubricDimension

RUBRICS: dict[str, Rubric] = {
    "product_sense": Rubric(
        "product_sense",
        "Product sense",
        (
            _DIM(
                "problem_framing",
                "Frames the problem before solving it",
                "Clarifies the goal and the user problem, asks questions, and states the problem "
                "before any solution.",
                "Jumps straight to features or architecture; the problem is never stated.",
            ),
            _DIM(
                "user_segments",
                "Chooses whom to serve",
                "Names distinct user groups, picks one to focus on, and says why.",
                "Talks about 'users' as one group, or designs for everyone at once.",
            ),
            _DIM(
                "prioritized_solutions",
                "Prioritizes solutions with trade-offs",
                "Offers several options, compares them on value, effort and risk, and commits to one.",
                "Offers one solution, or a list with no reasoning about what comes first.",
            ),
            _DIM(
                "success_metrics",
                "Defines success",
                "Gives a primary metric tied to the user outcome, plus guardrails and how it could mislead.",
                "No metric, or one that counts activity (clicks, features shipped) instead of outcomes.",
            ),
            _DIM(
                "communication",
                "Structures and communicates",
                "Signposts the structure, summarizes, and adapts to the interviewer's cues.",
                "Hard to follow; rambles or goes deep into technical detail nobody asked for.",
            ),
        ),
    ),
    "estimation": Rubric(
        "estimation",
        "Estimation",
        (
            _DIM(
                "clarifies_scope",
                "Clarifies what is being estimated",
                "Pins down the question (unit, time frame, market) before calculating.",
                "Starts multiplying numbers without agreeing what the answer measures.",
            ),
            _DIM(
                "structure",
                "Breaks the problem down",
                "Builds a clear, complete chain of factors the listener can follow and challenge.",
                "Guesses a number, or uses a structure with missing or overlapping parts.",
            ),
            _DIM(
                "assumptions",
                "States reasonable assumptions",
                "Every assumption is explicit, plausible and justified; names the most sensitive one.",
                "Assumptions are hidden or implausible and never explained.",
            ),
            _DIM(
                "sanity_check",
                "Calculates and sanity-checks",
                "Rounds sensibly, gets the arithmetic right, and checks the result from another angle.",
                "Arithmetic errors, false precision, or an absurd answer left unchallenged.",
            ),
            _DIM(
                "so_what",
                "Says what the number means",
                "Turns the estimate into a business decision or a next step.",
                "Stops at the number with no view on what it implies.",
            ),
        ),
    ),
    "behavioral": Rubric(
        "behavioral",
        "Behavioral",
        (
            _DIM(
                "specific_story",
                "Tells a specific, relevant story",
                "One real situation that fits the question, with enough context and stakes.",
                "Speaks in generalities ('I usually...') or picks a story that doesn't fit.",
            ),
            _DIM(
                "ownership",
                "Owns their part",
                "Clear about what they personally did and decided, including mistakes.",
                "Hides behind 'we', or blames others for what went wrong.",
            ),
            _DIM(
                "judgment",
                "Shows PM judgment",
                "Explains the reasoning and trade-offs behind their actions, with users and the business in view.",
                "Actions without reasoning, or reasoning that is purely technical.",
            ),
            _DIM(
                "outcome_and_reflection",
                "Outcome and reflection",
                "States the result, with numbers where they exist, and what they learned and now do differently.",
                "No clear outcome, and no learning beyond 'it went well'.",
            ),
            _DIM(
                "concise",
                "Concise and structured",
                "Easy to follow in about two to three minutes, leaving room for follow-ups.",
                "Long, meandering, or lost in technical detail.",
            ),
        ),
    ),
    "influence": Rubric(
        "influence",
        "Stakeholder influence",
        (
            _DIM(
                "listens_first",
                "Listens before arguing",
                "Asks open questions and reflects back the stakeholder's view before making a case.",
                "Opens with their own position and keeps pushing it.",
            ),
            _DIM(
                "stakeholder_terms",
                "Frames in the stakeholder's terms",
                "Connects the request to what this stakeholder cares about and is measured on.",
                "Argues from their own priorities or in technical terms the stakeholder doesn't share.",
            ),
            _DIM(
                "surfaces_constraints",
                "Surfaces hidden constraints",
                "Draws out the constraint behind the pushback without blame, and adjusts the ask.",
                "Treats pushback as stubbornness; the real constraint never comes up.",
            ),
            _DIM(
                "concrete_agreement",
                "Reaches a concrete agreement",
                "Ends with a specific next step, owner and date both sides accept, or a clear escalation path.",
                "Ends vaguely ('let's sync later') or with an agreement only one side believes in.",
            ),
            _DIM(
                "keeps_relationship",
                "Keeps the relationship",
                "The stakeholder leaves feeling heard and willing to work together again.",
                "Wins or loses the point at the cost of trust; the stakeholder would route around them.",
            ),
        ),
    ),
}


# --- helpers


def _check_interview_kind(kind: str) -> None:
    if kind not in INTERVIEW_KINDS:
        raise ValueError(f"unknown interview kind {kind!r}; expected one of {sorted(INTERVIEW_KINDS)}")


def questions_of(kind: str, bank: Iterable[PracticeQuestion] = QUESTIONS) -> tuple[PracticeQuestion, ...]:
    """The questions of one interview kind, in bank order.

    `bank` defaults to the starter set; pass another (say, the admin-edited copy) to pick from it.
    """
    _check_interview_kind(kind)
    return tuple(q for q in bank if q.kind == kind)


def _draw_order(seed: int, key: str) -> bytes:
    # A hash of (seed, key) rather than random.shuffle: the order for a seed stays
    # the same across processes and Python versions, and adding a question to the
    # bank does not reshuffle the others.
    return hashlib.sha256(f"{seed}:{key}".encode()).digest()


def next_question(
    kind: str, already_asked: Collection[str], seed: int, bank: Iterable[PracticeQuestion] = QUESTIONS
) -> PracticeQuestion | None:
    """A question of `kind` not in `already_asked`, or None when all have been asked.

    The same seed and history always give the same question; a pair can use a
    stable seed (such as its match id) to walk through the bank in its own order.
    Keys of other kinds in `already_asked` are ignored.
    """
    remaining = [q for q in questions_of(kind, bank) if q.key not in already_asked]
    if not remaining:
        return None
    return min(remaining, key=lambda q: _draw_order(seed, q.key))


def rubric_key_for_session(kind: str | None) -> str | None:
    """Which rubric scores a mock interview of an INTERVIEW_KINDS key or a ROLE_PLAY; None for other kinds."""
    if kind == ROLE_PLAY:
        return "influence"
    return kind if kind in INTERVIEW_KINDS else None


def rubric_for_session(kind: str) -> Rubric:
    """The starter rubric for a mock interview of an INTERVIEW_KINDS key, or for ROLE_PLAY."""
    key = rubric_key_for_session(kind)
    if key is None:
        raise ValueError(
            f"no rubric for session kind {kind!r}; expected {ROLE_PLAY!r} or one of {sorted(INTERVIEW_KINDS)}"
        )
    return RUBRICS[key]


def validate_scores(rubric: Rubric, scores: Mapping[str, object]) -> dict[str, str]:
    """Error message per key; empty when every dimension has a whole-number score from 1 to 4.

    Missing and out-of-range scores are reported under their dimension key, and
    keys the rubric does not have under that key.
    """
    errors: dict[str, str] = {}
    for dimension in rubric.dimensions:
        value = scores.get(dimension.key)
        if value is None:
            errors[dimension.key] = f"Give a score from {SCORE_MIN} to {SCORE_MAX}."
        # bool is an int subclass; True is not a score, and neither is the string "3".
        elif type(value) is not int or not SCORE_MIN <= value <= SCORE_MAX:
            errors[dimension.key] = f"Scores are whole numbers from {SCORE_MIN} to {SCORE_MAX}."
    for key in scores:
        if key not in rubric.dimension_keys:
            errors[key] = f"The {rubric.title} rubric has no dimension {key!r}."
    return errors
