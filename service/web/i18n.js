// @ts-check
// English and Japanese text for the console, and the formatting of what the
// API returns: messages take named placeholders ("{count}"), never pieces
// glued together, because word order differs between the two languages;
// numbers, dates and money go through Intl; enum values, problem types and
// field error codes are looked up here, so nothing raw reaches the screen.
// The language is the user's choice (kept in localStorage) or, until they
// choose, the first of the browser's languages this console speaks. A key
// missing in Japanese falls back to English.
/** @type {Record<string, string>} */
const en = {
  "trainee.credentials": "Credentials", "trainee.credential": "{name} ({year})", "trainee.credential_verified": "{name} ({year}, verified)",
  "field.working_hours": "Working hours", "field.bill_rate_multiplier": "Bill-rate multiplier", "field.min_overlap_hours_jst": "Minimum overlap with JST (hours)",
  "field.min_hours_per_week": "Minimum hours per week", "field.availability_tolerance_months": "Months a trainee may start late",
  "field.per_usd": "Units for 1 USD", "field.valid_from": "Holds from", "field.currency": "Currency",
  "nav.rates": "Exchange rates",
  "component.hours_per_week": "Hours per week",
  "reason.available_after_start_tolerance": "Available too long after the start", "reason.jst_overlap_below_minimum": "Too little overlap with Japanese working hours",
  "reason.hours_per_week_below_minimum": "Too few hours per week",
  "money.converted": "{amount} (≈ {converted})", "money.bill_rate": "Monthly bill rate (expected salary × multiplier)", "money.multiplier": "(= the expected monthly salary × {multiplier})",
  "money.budget": "Budget per person-month (人月単価)", "money.verdict": "Against the budget", "money.rates": "Exchange rates used",
  "money.rate_value": "1 USD = {per_usd} {currency} from {date}", "money.no_rate": "No exchange rate for {currency}",
  "money.in_force": "In force", "money.currency": "Currency", "money.rate": "Rate", "money.per_usd": "Units for 1 USD", "money.valid_from": "Holds from (default today)",
  "money.record": "Record a rate", "money.recorded": "Rate for {currency} recorded.", "money.rates_help": "Every amount is compared at the rate in force; a change applies to the next ranking and is named in every explanation.",
  "note.no_expected_salary": "No expected salary stated", "note.no_budget": "The project states no budget", "note.no_exchange_rate": "No exchange rate: not compared",
  "note.bill_rate_above_budget_maximum": "Above the budget", "note.bill_rate_below_budget_minimum": "Below the budget minimum (the firm priced a more senior profile)",
  "note.bill_rate_within_budget": "Within the budget",
  "time.hours": "Working hours", "time.hours_value": "{start}–{end} ({zone}), {days}", "time.day_separator": ", ", "time.per_week": "Hours per week", "time.per_week_value": "{hours} h",
  "time.overlap": "Overlap with 09:00–18:00 JST", "time.overlap_value": "{hours} h a day on the worst dates, averaged over Mon–Fri (a day not worked counts 0; {offsets})",
  "work.legend": "Work and pay", "work.english": "English (CEFR)", "work.salary": "Expected monthly salary", "work.currency": "Currency",
  "work.salary_help": "In the currency the trainee is paid in (BDT in Bangladesh). Firms see it as a monthly bill rate in yen, through the organization's multiplier and the day's exchange rate.",
  "work.hours_per_week": "Hours per week", "work.start": "Working hours from (local time)", "work.end": "Working hours until (local time)", "work.days": "Working days",
  "day.mon": "Mon", "day.tue": "Tue", "day.wed": "Wed", "day.thu": "Thu", "day.fri": "Fri", "day.sat": "Sat", "day.sun": "Sun",
  "auth.title": "Sign in", "auth.key": "API key", "auth.help": "Paste the API key your programme office gave you. It is kept in this tab only and cleared when the tab closes.",
  "auth.signin": "Sign in", "auth.signout": "Sign out", "auth.rejected": "This key was not accepted.", "auth.expired": "Your key is no longer accepted; sign in again.", "auth.session_expired": "Your sign-in has ended, and the change you were making was not saved. Sign in again to return to that page.", "auth.signed_out": "Signed out.",
  "common.loading": "Loading…", "common.empty": "Nothing here yet.", "common.none": "none", "common.failed": "Something went wrong", "common.any": "Any",
  "common.actions": "Actions", "common.edit": "Edit", "common.open": "Open", "common.remove": "Remove", "common.save": "Save", "common.saved": "Saved.",
  "common.filter": "Filter", "common.more": "Load more", "common.skip": "Skip to content", "common.language": "日本語",
  "common.stale": "Someone changed this meanwhile. Reloading the latest version…",
  "nav.label": "Main", "nav.dashboard": "Dashboard", "nav.round": "Matching round", "nav.review": "Review queue", "nav.audit": "Audit trail",
  "nav.projects": "Projects", "nav.matches": "Matches", "nav.trainees": "Trainees", "nav.import": "CSV import",
  "role.admin": "Administrator", "role.firm": "Firm", "role.training_org": "Training organization",
  "dash.trainees": "Trainees by organization and status", "dash.organization": "Organization", "dash.projects": "Projects",
  "dash.open_projects": "Open projects", "dash.unfilled": "Unfilled seats", "dash.matches": "Matches by state", "dash.rounds": "Latest rounds",
  "status.active": "Active", "status.placed": "Placed", "status.withdrawn": "Withdrawn",
  "round.algorithm": "Algorithm", "round.stable": "Stable (no blocking pair)", "round.max_score": "Maximum total score",
  "round.more_unmatched": "…and {count} more not listed", "round.unfilled": "Seats left unfilled", "round.unfilled_item": "{project} — {firm}: {seats} seats free ({why})", "unfilled.no_eligible_trainee": "no trainee meets its requirements", "unfilled.trainees_placed_elsewhere": "its eligible trainees went to projects where they score higher or that they prefer", "unfilled.organization_cap": "the cap per organization kept its other eligible trainees out", "round.projects": "Projects", "round.project_option": "{title} — {firm} (from {start}, {seats} seats)", "round.projects_help": "Leave empty for every open project.", "round.min_score": "Minimum score (0–1)",
  "round.cap": "At most this many trainees of one organization per project (0: no cap)", "round.run": "Run round", "round.running": "Running the round…",
  "round.result": "Round result: matches proposed", "round.result_dry": "Dry run result: nothing was proposed",
  "round.confirm": "Run a real round? Its matches are proposed at once and the firms and training organizations are notified. A dry run shows the same result without proposing anything.",
  "round.confirm_button": "Run and propose matches", "round.assigned": "Assigned", "round.mean": "Mean score", "round.total_ms": "Time (ms)",
  "round.per_org": "Assignments per training organization", "round.assignments": "Proposed matches", "round.unmatched": "Unmatched", "round.done": "The round is complete.",
  "unmatched.no_eligible_project": "no eligible project", "unmatched.means.no_eligible_project": "Meets the requirements of none of the round's projects (must-have skills, languages, start date, hours, consent).", "unmatched.means.outranked": "Eligible, but each project they fit filled its seats with trainees of higher scores (stable: each of those projects preferred its own trainees).", "unmatched.means.capacity": "Every project they fit had no seat left, or had reached the cap per organization.", "unmatched.means.not_shortlisted": "Available trainees on no project's shortlist: each project they might fit had enough higher-scoring candidates before them, or none is open to them.", "unmatched.outranked": "outranked", "unmatched.capacity": "no seats", "unmatched.not_shortlisted": "not shortlisted",
  "review.pick": "Pick a match to see its details.", "review.list": "Matches", "review.keys": "Keys: j / k next and previous, Enter open, a approve (asks first), r write a reason.", "review.keys_member": "Keys: j / k next and previous, Enter open, r write a reason.",
  "match.state": "State", "match.score": "Score", "match.demand": "Project demand", "match.profile": "Trainee profile (pseudonymous)",
  "match.explanation": "Why this score", "match.components": "Score components", "match.component_value": "{percent} × weight {weight} = +{contribution}", "match.matched": "Matched skills", "match.missing": "Missing skills",
  "match.ineligible": "not eligible", "match.reason": "Reason (required to reject or withdraw)", "match.moved": "Moved to {state}.", "match.no_moves": "No further step is yours to take.",
  "match.personal": "Contact",
  "state.proposed": "Proposed", "state.shortlisted": "Shortlisted", "state.interviewing": "Interviewing", "state.offered": "Offered",
  "state.accepted": "Accepted", "state.approved": "Approved", "state.rejected": "Rejected", "state.withdrawn": "Withdrawn",
  "action.shortlisted": "Shortlist", "action.interviewing": "Start interviews", "action.offered": "Make an offer", "action.accepted": "Accept offer",
  "action.approved": "Approve", "action.rejected": "Reject", "action.withdrawn": "Withdraw", "action.proposed": "Propose",
  "component.skills": "Skills", "component.japanese": "Japanese", "component.english": "English", "component.timezone_overlap": "Time-zone overlap",
  "component.availability": "Availability", "component.rate": "Bill rate vs budget", "component.experience": "Experience", "component.domain": "Domain",
  "reason.no_consent": "No consent to matching", "reason.not_active": "Not active", "reason.missing_must_have_skill": "Missing a must-have skill",
  "reason.japanese_below_minimum": "Japanese below the minimum", "reason.english_below_minimum": "English below the minimum",
  "reason.unavailable_before_project_end": "Not available before the project ends", "reason.engagement_mismatch": "Engagement model does not fit",
  "audit.kind": "Kind", "audit.match": "Match id", "audit.transition": "Transition", "audit.round": "Round", "audit.personal_data_read": "Personal data read", "audit.consent": "Consent changed",
  "audit.at": "When", "audit.actor": "Actor", "audit.from": "From", "audit.to": "To", "audit.reason": "Reason", "audit.subject": "Match or round",
  "project.new": "New project", "project.edit": "Edit project", "project.title": "Title", "project.description": "Description", "project.status": "Status",
  "project.headcount": "Headcount", "project.headcount_roles": "With team roles (below), the headcount is the sum of the roles' seats.", "project.start": "Start date", "project.duration": "Duration (months)", "project.months": "months", "project.jlpt": "Minimum JLPT",
  "project.languages": "Languages", "project.skills": "Skills", "project.skill": "Skill", "project.min_level": "Minimum level", "project.weight": "Weight",
  "project.required": "Must have", "project.add_skill": "Add a skill", "project.candidates": "Candidates",
  "candidate.shortlist": "Shortlist", "candidate.pick_role": "To shortlist, pick the role above first.", "candidate.shortlisted": "Shortlisted", "candidate.already": "Already in your matches",
  "candidate.in_matches": "In your matches: {state}", "candidate.in_matches_role": "In your matches for the role {role}: {state}", "candidate.rejected_before": "You declined this trainee for this project before. Matching rounds do not propose them again; you can still shortlist them by hand.", "candidate.shortlist_again": "Shortlist again",
  "trainee.alias": "Alias", "trainee.name": "Name", "trainee.email": "Email", "trainee.phone": "Phone", "trainee.program": "Training programme", "trainee.city": "City", "trainee.timezone": "Time zone",
  "trainee.place": "Place", "trainee.skills": "Skills", "trainee.skills_help": "As skill:level:years, separated by semicolons, e.g. PyTorch:4:2.5; Python:5. Years are optional; a skill listed without them keeps the years already recorded.",
  "trainee.languages": "Languages", "trainee.available_from": "Available from", "trainee.rate": "Expected monthly salary (band)", "trainee.status": "Status",
  "trainee.search": "Search alias or program", "trainee.search_own": "Search name, email, alias or programme", "trainee.new": "New trainee", "trainee.edit": "Edit trainee", "trainee.opportunities": "Opportunities",
  "trainee.consent": "Consent", "trainee.consent_matching": "Consents to matching (unticking it withdraws the matches still being decided)", "trainee.consent_abroad": "Consents to a firm abroad seeing name and contacts once an offer is accepted",
  "import.help": "Check a CSV file first (nothing is stored), then import it: all rows or none.",
  "import.template": "Download a template (CSV)", "import.template_help": "Every column with one example row. In Excel, save as “CSV UTF-8” so names in Bangla or Japanese arrive intact; skills as skill:level:years separated by semicolons; working days as sun;mon;tue;wed;thu and hours as 09:00 and 18:00, local time (Monday to Friday, 09:00–18:00 when left empty).", "import.file": "CSV file", "import.text": "CSV text",
  "import.dry_run": "Check (dry run)", "import.commit": "Import", "import.working": "Working…", "import.preview": "Check result",
  "import.rows": "Rows", "import.valid": "Valid", "import.would_create": "Would create", "import.clean": "No problems found.",
  "import.errors": "Problems by row", "import.line": "Line", "import.field": "Field", "import.problem": "Problem", "import.created": "Trainees created",
  "common.labelled": "{label}: {value}", "common.failed_with": "Something went wrong: {message}",
  "match.matched_label": "Matched skills:", "match.missing_label": "Missing skills:", "match.state_label": "State:", "match.offer_question": "The terms of the offer to {alias} for {project}", "match.offer_rate": "人月単価 (monthly bill rate per person)", "match.offer_currency": "Currency", "match.offer_start": "Start date", "match.offer_send": "Send the offer", "match.offer_value": "Offer: monthly bill rate (人月単価) {rate} · start {start}", "match.offer_no_rate": "no rate given", "match.firm_value": "Firm: {firm}", "match.parties": "Firm: {firm} · Training organization: {school}", "match.role_value": "For the role: {role}",
  "project.skill_need": "{skill} ≥{level}", "trainee.skill_level": "{skill} {level}", "project.skill_need_required": "{skill} ≥{level} (must have)",
  "common.cancel": "Cancel", "common.request_id": "Request ID: {id}", "common.range": "{min}–{max}", "common.field_error": "{field}: {message}",
  "match.confirm_approve": "Approve the placement of {alias} in “{project}”? The trainee becomes placed and takes one of the project's seats.",
  "match.confirm_accept": "Accept the offer of {firm} for {alias} in “{project}”? {firm} will see the trainee's name, email and phone from then on; until now it saw only the alias.",
  "match.confirm_accept_button": "Accept and share contacts",
  "match.confirm_accept_private": "Accept the offer of {firm} for {alias} in “{project}”? {firm} will still not see the trainee's name or contacts: the trainee has not agreed to share them with firms abroad. If they agree, record it on the trainee's page and the firm sees them from then on.",
  "match.confirm_accept_private_button": "Accept without sharing contacts",
  "match.confirm": "Confirm approval", "match.score_value": "Score: {score}", "match.open": "Open", "match.contact": "Contact: {details}",
  "dash.projects_summary": "Open projects: {open} · Unfilled seats: {unfilled}", "dash.round_line": "{when} · {algorithm} · assigned {assigned} of {seats}", "dash.dry_round_line": "{when} · dry run (nothing proposed) · {algorithm} · would assign {assigned} of {seats}",
  "round.summary": "Assigned: {assigned} / {seats} · Mean score: {mean} · Time: {ms} ms", "round.unmatched_total": "{count} in all",
  "trainee.languages_value": "JLPT {jlpt} · CEFR {cefr}", "trainee.place_value": "{city}, {country}",
  "project.languages_value": "JLPT {jlpt} or above · CEFR {cefr} or above", "project.start_value": "From {date}, {months} months", "project.budget": "Budget per person-month (人月単価)", "project.budget_min": "人月単価 (budget per person-month), from", "project.budget_max": "人月単価, up to", "project.budget_currency": "Budget currency",
  "project.skill_n": "Skill {n}", "project.must_have": "must have",
  "import.line_n": "Line {line}", "import.field_column": "{field} (column {column})", "import.all_or_nothing": "Nothing is imported while any row has a problem: correct the rows listed, then check again.", "import.summary": "Rows: {rows} · Valid: {valid} · Would create: {would_create}",
  "import.duplicate": "Line {line}: {email} ({reason})", "import.duplicates_more": "…and {count} more duplicates, not listed",
  "import.created_n": "Trainees created: {count}", "import.skip_registered": "Skip trainees already registered (same email): import only the new rows", "import.skipped_n": "Skipped as already registered: {count}",
  "import.lost": "No answer came back (the connection may have dropped). Press Import again: the same file is never imported twice.",
  "import.created_before": "This file was already imported: {count} trainees were created then.",
  "import.reason.registered": "already registered in this organization", "import.reason.repeated_row": "repeats an earlier row",
  "pstatus.draft": "Draft", "pstatus.open": "Open", "pstatus.closed": "Closed", "status.erased": "Erased",
  "level.none": "none", "algorithm.stable": "Stable", "algorithm.max_score": "Maximum total score",
  "field.full_name": "Name", "field.email": "Email", "field.phone": "Phone", "field.country": "Country", "field.city": "City", "field.timezone": "Time zone",
  "field.program": "Program", "field.skills": "Skills", "field.languages": "Languages", "field.certifications": "Certifications",
  "field.available_from": "Available from", "field.hours_per_week": "Hours per week", "field.expected_monthly_rate": "Expected monthly salary",
  "field.domains": "Domains", "field.engagement": "Engagement", "field.consent": "Consent", "field.status": "Status", "field.title": "Title",
  "field.description": "Description", "field.headcount": "Headcount", "field.start_date": "Start date", "field.duration_months": "Duration",
  "field.japanese_min": "Minimum JLPT", "field.english_min": "Minimum CEFR", "field.budget_monthly": "Budget per person-month (人月単価)", "field.budget_monthly/min": "人月単価, from", "field.budget_monthly/max": "人月単価, up to", "field.reason": "Reason",
  "field.to": "New state", "field.from": "the start date", "field.algorithm": "Algorithm", "field.min_score": "Minimum score", "field.max_per_org_per_project": "Cap per organization",
  "field.project_ids": "Projects", "field.project_id": "Project", "field.trainee_id": "Trainee", "field.organization_id": "Organization",
  "field.offer": "Offer", "field.offer.monthly_rate": "人月単価", "field.offer.start_date": "Start date", "field.roles": "Role", "field.roles.title": "Role title", "field.roles.key": "Key", "field.roles.headcount": "Seats", "field.skills.skill": "", "field.skills.min_level": "Minimum level", "field.skills.weight": "Weight", "field.limit": "Page size", "field.cursor": "Page", "field.kind": "Kind", "field.match_id": "Match id", "field.If-Match": "Version",
  "error.required": "Required.", "error.required:/reason": "A reason is required to reject or withdraw.",
  "error.unknown_field": "Not a field this accepts.", "error.unknown_column": "Not a column this import takes. Name the columns as the template does: {allowed}.", "error.read_only": "Set by the system; it cannot be changed.",
  "error.wrong_type": "Enter {expected}.", "error.invalid_text": "Contains characters that cannot be stored, such as control characters.", "error.invalid_text:encoding": "Contains �, the mark of letters lost to the wrong encoding: type them again (from a spreadsheet, save it as “CSV UTF-8”).", "error.invalid_format:password": "This password is easy to guess (a few characters repeated, a run such as 1234567890, a well-known password or your email): choose another.", "error.invalid_format:phone": "Excel rewrote this phone number as 8.80171E+12 and lost its last digits: format the column as Text and type the number again.",
  "error.blank": "Must not be blank.", "error.too_long": "At most {max_length} characters.", "error.too_many": "At most {max_items} items.",
  "error.out_of_range": "Must be from {min} to {max}.", "error.invalid_choice": "Must be one of {allowed}.",
  "error.invalid_text:question_marks": "The name has ? where letters were lost: the spreadsheet was saved in an encoding without them. Save it as “CSV UTF-8” and import again.", "error.invalid_format:phone_zero": "Excel dropped this number's leading 0 (1712… for 01712…): format the column as Text and type it as 01… or +880….", "error.invalid_format": "Enter a valid {format}.", "error.invalid_format:csv": "This row has {fields} fields; the header has {expected_fields}.",
  "error.invalid_format:date_excel": "Excel stored this date as a number ({readings}): format the column as Text and type dates as YYYY-MM-DD.",
  "error.invalid_format:date_order": "Write dates as YYYY-MM-DD: this one is {readings}.",
  "error.invalid_format:date_digits": "Write dates as YYYY-MM-DD in the digits 0–9: this one is {readings}.",
  "error.invalid_format:time_reading": "Write times as HH:MM in 24 hours, in the digits 0–9: this one is {readings}.",
  "error.invalid_format:time_excel": "Excel stored this time as a number ({readings}): format the column as Text and type times as HH:MM.",
  "error.unknown_skill": "“{skill}” is not a known skill.", "error.unknown_skill_closest": "“{skill}” is not a known skill. Did you mean {closest}?",
  "error.duplicate": "Given twice.", "error.not_found": "No such {resource}.", "error.taken": "Already in use.", "error.taken_skill": "Already a name of {skill}.",
  "error.invalid_state": "Not possible in the current state.", "error.not_permitted": "Your role cannot set this.",
  "error.invalid_combination": "Does not fit with {with}.", "error.stale": "Someone changed this meanwhile.",
  "error.reused": "Already used for another request.", "error.truncated": "…and {count} more problems, not listed.",
  "expected.string": "text", "expected.integer": "a whole number", "expected.number": "a number", "expected.boolean": "yes or no",
  "expected.object": "a group of fields", "expected.array": "a list",
  "format.date": "date (YYYY-MM-DD, from 1900-01-01 on)", "format.email": "email address", "format.country": "country code such as BD or JP",
  "format.currency": "currency code such as JPY or USD", "format.timezone": "time zone such as Asia/Dhaka", "format.domain": "industry name in lower case, such as automotive",
  "format.uuid": "id", "format.timestamp": "date and time", "format.cursor": "page position", "format.etag": "version",
  "format.skill_name": "skill name without , : or ;", "format.idempotency_key": "request key", "format.json_object": "JSON object",
  "resource.project": "project", "resource.candidate": "candidate", "resource.firm": "firm", "resource.training_provider": "training organization",
  "problem.malformed-request": "The request could not be read.", "problem.invalid-parameters": "The filter is not valid.",
  "problem.unauthenticated": "Your key is not accepted.", "problem.forbidden": "Your role cannot do this.",
  "problem.not-found": "Not found, or not available to you.", "problem.method-not-allowed": "This action is not available here.",
  "problem.request-timeout": "The request took too long.", "problem.conflict": "This conflicts with existing data.",
  "problem.duplicate": "This is already registered.", "problem.edit-conflict": "Others kept changing this; save again.",
  "problem.request-in-progress": "The same request is still being processed; try again shortly.",
  "problem.round-running": "Another matching round is running; try again when it ends.",
  "problem.transition-not-allowed": "This step is not possible from the match's current state.",
  "problem.seats-filled": "All of the project's seats are filled.", "problem.already-placed": "The trainee already holds an approved placement.",
  "problem.stale": "Someone changed this meanwhile. Reload and try again.", "problem.invalid-precondition": "Reload and try again.",
  "problem.too-large": "Too much data at once.", "problem.unsupported-media-type": "This kind of file is not accepted.", "problem.expectation-failed": "The request asked for something the service does not do.",
  "problem.validation": "Please check the highlighted fields.", "problem.idempotency-key-reused": "This request key was already used for another request.",
  "problem.constraints-not-met": "The trainee does not meet the project's requirements.",
  "problem.precondition-required": "Reload and try again.", "problem.rate-limited": "Too many requests; wait a moment and try again.",
  "problem.headers-too-large": "The request is too large.", "problem.internal": "Something went wrong on the server.",
  "problem.not-implemented": "Not supported.", "problem.unavailable": "The service is not available right now; try again shortly.", "problem.network": "No answer came back (the connection may have dropped). Check the connection and try again.",
  "nav.webhooks": "Webhooks", "webhook.help": "Your system hears of each event of the kinds you pick as a signed POST (the Kakehashi-Signature header, described in the API reference). An endpoint that keeps failing is disabled; enable it again once it answers.",
  "webhook.url": "Endpoint URL", "webhook.description": "Description (optional)", "webhook.events": "Events", "webhook.state": "State", "webhook.add": "Add an endpoint",
  "webhook.none": "No endpoints yet.", "webhook.enabled": "Active", "webhook.failing": "Active, {count} failures in a row", "webhook.disabled": "Disabled",
  "webhook.disabled_after": "Disabled after {count} failed deliveries in a row", "webhook.enable": "Enable again", "webhook.enabled_again": "Enabled again; waiting deliveries go out now.",
  "webhook.remove": "Remove", "webhook.remove_confirm": "Confirm removal", "webhook.removed": "Endpoint removed.",
  "webhook.secret_title": "Signing secret (shown once)", "webhook.secret_help": "Copy it into your system now: it verifies that deliveries come from kakehashi, and it is never shown again.",
  "webhook.secret_label": "Signing secret", "webhook.secret_saved": "I have saved it", "webhook.secret_gone": "The secret is no longer shown.",
  "webhook.deliveries": "Deliveries", "webhook.no_deliveries": "Nothing delivered yet.", "webhook.created": "Event at", "webhook.event": "Event", "webhook.status": "Status",
  "webhook.attempts": "Attempts", "webhook.last_answer": "Last answer", "webhook.next_attempt": "Next attempt", "webhook.back": "All endpoints",
  "event.match.state_changed": "A match moved", "event.offer.received": "An offer was made", "event.round.completed": "A matching round ended",
  "event.trainee.consent_changed": "A trainee's consent changed", "event.project.status_changed": "A project's status changed",
  "delivery.pending": "Waiting", "delivery.delivered": "Delivered", "delivery.failed": "Given up",
  "nav.inbox": "Notifications", "inbox.unread": "{count} unread", "inbox.empty": "Nothing has happened yet.",
  "inbox.mark_read": "Mark read", "inbox.read_all": "Mark all read",
  "inbox.match_moved": "{trainee} for {project}: {from} → {to}", "inbox.match_new": "{trainee} for {project}: {to}",
  "inbox.offer": "Offer received: {trainee} for {project}", "inbox.round": "A matching round proposed {count} matches",
  "inbox.consent": "Consent changed for {trainee}", "inbox.project": "{project} is now {to}",
  "problem.index-loading": "Matching is still starting up; try again shortly.",  // People's accounts (accounts.js).
  "auth.signin_key": "Sign in with the key", "nav.people": "People", "audit.account": "Account change",
  "prole.owner": "Owner", "prole.member": "Member", "prole.viewer": "Viewer", "prole.admin": "Administrator",
  "account.email": "Email", "account.password": "Password", "account.totp_code": "Code from your authenticator app",
  "account.totp_needed": "Enter the 6-digit code from your authenticator app.", "account.rejected": "The email or the password is wrong.",
  "account.use_key": "Sign in with an API key (integrations)", "account.accept_title": "Join kakehashi",
  "account.accept_help": "You were invited to kakehashi. Choose the name your colleagues will see and a password.",
  "account.name": "Name", "account.new_password": "New password", "account.password_help": "At least 10 characters. A passphrase of several words is best.",
  "account.accept": "Create my account", "account.joined": "Your account is ready. Sign in with your email and password.",
  "account.role": "Role", "account.role_of": "Role of {name}", "account.totp": "Two-step sign-in", "account.totp_on": "On",
  "account.remove_confirm": "Remove {name} from the organization? They are signed out at once.",
  "account.organization": "Organization", "account.invitations": "Invitations", "account.invite": "Invite",
  "account.invited_line": "{email} ({role}), open until {until}", "account.invite_link": "Send this link to {email}. It is shown only now and works once.",
  "account.invite_url": "Invitation link",
  "nav.account": "My account", "account.session_until": "Signed in until", "account.sessions": "Sessions",
  "account.everywhere_help": "Lost a laptop, or signed in on a shared computer? This signs you out on every device, this one too.",
  "account.signout_everywhere": "Sign out everywhere", "account.signed_out_everywhere": "Signed out on every device.",
  "account.totp_is_on": "Two-step sign-in is on: signing in asks for a code from your authenticator app.",
  "account.totp_is_off": "Two-step sign-in is off. With it on, signing in also asks for a code from an authenticator app on your phone.",
  "account.totp_start": "Turn on two-step sign-in", "account.totp_scan": "Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.",
  "account.totp_secret": "Key", "account.totp_uri": "Link for the app", "account.totp_confirm": "Confirm", "account.totp_disable": "Turn off",
  "account.totp_on_done": "Two-step sign-in is on.", "account.totp_off_done": "Two-step sign-in is off.",
  // Issue 16: the firm made visible to the trainee's side; skill proposals.
  "nav.proposals": "Skill proposals", "side.project": "Project", "side.firm": "Firm", "side.description": "Description",
  "side.engagement": "Engagement", "side.location": "Location", "side.budget": "Budget per person-month",
  "side.budget_converted": "{budget} (about {converted})", "side.rank_title": "#{rank} {title} · {firm}",
  "side.why_matched": "A trainee of yours is proposed for or matched to this project.",
  "side.why_opportunity": "An open project one of your trainees is eligible for.",
  "engagement.offshore": "Offshore", "engagement.onsite_japan": "On site in Japan", "engagement.hybrid": "Hybrid",
  "proposal.help": "Propose a skill the taxonomy lacks. It stays pending until the programme office approves it; then trainees and projects can name it.",
  "proposal.name": "Skill name (English)", "proposal.name_ja": "Japanese name", "proposal.category": "Category (web, mobile, qa…)",
  "proposal.aliases": "Other names (comma-separated)", "proposal.note": "Why it is needed", "proposal.send": "Propose",
  "proposal.sent": "Proposed {name}; it is pending.", "proposal.mine": "Your proposals", "proposal.pending": "Pending proposals",
  "proposal.approve": "Approve", "proposal.reject": "Reject", "proposal.reason": "Reason (to reject)",
  "proposal.approved_done": "{name} is now a skill.", "proposal.rejected_done": "Rejected {name}.",
  "proposal.title_ja": "{name} ({name_ja})", "proposal.line": "{status} · {org} · {when}",
  "proposal.aliases_value": "Other names: {aliases}", "proposal.reason_value": "Reason: {reason}",
  "proposal_status.pending": "Pending", "proposal_status.approved": "Approved", "proposal_status.rejected": "Rejected",
  // Issue 17: programme reports and duplicates (web/reports.js).
  "nav.reports": "Reports", "nav.duplicates": "Possible duplicates",
  "report.help": "Trainees registered in the range, how far they got, and what placement paid. Counts under 5 people are not shown, nor any that could be worked out from the total.",
  "report.from": "From", "report.to": "To", "report.group_by": "Group by", "report.show": "Show", "report.csv": "Download CSV (Excel)",
  "report.by.organization": "Training organization", "report.by.cohort": "Cohort", "report.by.skill": "Skill", "report.by.month": "Month registered", "report.by.gender": "Gender", "report.by.district": "District",
  "report.registered": "Registered", "report.active": "Active", "report.consenting": "Consenting", "report.proposed": "Proposed", "report.shortlisted": "Shortlisted",
  "report.offered": "Offered", "report.accepted": "Accepted", "report.approved": "Placed", "report.rate": "Placement rate", "report.days": "Median days to placement",
  "report.bill_median": "Median bill rate (JPY / month)", "report.total": "Total", "report.not_stated": "Not stated", "report.merged": "Other ({count} groups of fewer than 5, not named)", "report.suppressed": "—",
  "report.suppression": "— : fewer than {n} people, or hidden so that a small count cannot be worked out from the total.",
  "gender.female": "Female", "gender.male": "Male", "gender.other": "Other",
  "dup.help": "Trainees of different organizations with the same email or phone (compared as keyed digests; no contact details are shown). While one is placed, the other is not proposed.",
  "dup.at": "Flagged", "dup.matched": "Same", "dup.first": "Trainee", "dup.second": "Possibly the same person", "dup.placed": "Placed", "dup.on.email": "email", "dup.on.phone": "phone",
  "audit.erasure": "Erasure (retention)",
  "trainee.demographics": "Demographics (optional)", "trainee.demographics_help": "Personal data, like the name: used only in aggregate programme reports, never shown to firms.",
  "trainee.gender": "Gender", "trainee.gender_unstated": "Not stated", "trainee.district": "Home district",
  // Teams, wishes, dry runs (issue 15; service/web/teams.js).
  "team.roles": "Team roles", "team.help": "A team hires different people for different seats. Leave empty for one kind of seat. A role's own levels and skills replace the project's.",
  "team.role_n": "Role {n}", "team.key": "Key (e.g. bridge_se)", "team.key_auto": "blank: made from the title", "team.title": "Role title", "team.seats": "Seats", "team.cefr": "English minimum",
  "team.skills": "Must-have skills of the role (skill:level, …; both boxes empty: the project's)", "team.nice_skills": "Nice-to-have skills of the role (skill:level, …)", "team.add_role": "Add a role", "team.project_level": "As the project", "team.all_roles": "Whole project",
  "team.role_pick": "Role",
  "near.title": "Why so few?", "near.summary": "{eligible} of {pool} active, consenting trainees meet every requirement.", "near.excluded": "Excluded by",
  "near.relax": "If you relaxed one requirement", "near.counts_only": "Counts only: no trainee is shown.",
  "near.japanese_min": "Japanese {from} → {to}: {count} more eligible", "near.english_min": "English {from} → {to}: {count} more eligible",
  "near.must_have_skill": "{skill} as nice-to-have: {count} more eligible", "near.start_date": "Start {from} → {to}: {count} more eligible",
  "near.budget_max_usd": "Budget +10 % ({from} → {to} USD): {count} more eligible (the budget is scored, not a requirement)",
  "near.budget": "Budget +10 % ({from} → {to}): {count} more eligible (the budget is scored, not a requirement)",
  "prefs.title": "Preferences", "prefs.help": "What this trainee wants, best first, and refuses. Stable rounds follow the wishes; no round places a trainee where it refused.",
  "prefs.wanted": "Wanted (best first)", "prefs.refused": "Refused", "prefs.rank_n": "Choice {n}", "prefs.refused_n": "Refused {n}", "prefs.none": "—",
  "rounds.title": "Compare and undo rounds", "rounds.dry_name": "Dry run · {algorithm} · {when} · {assigned} assigned", "rounds.real_name": "{algorithm} · {when} · {assigned} assigned",
  "rounds.compare": "Compare", "rounds.difference": "B − A", "rounds.total": "Total score", "rounds.pairs": "Same pairs: {same}; only in A: {a}; only in B: {b}.",
  "rounds.undo_title": "Undo a round (withdraw its still-proposed matches)", "rounds.undo": "Withdraw proposals", "rounds.undo_confirm": "Withdraw every match of this round that is still proposed?",
  "rounds.undone": "{count} proposals withdrawn.", "round.dry_run": "Dry run (store as simulated, create no matches)", "round.dry_done": "Dry run complete: nothing was proposed.",
  "round.pool_rate": "{assigned} of {pool} ({rate} %)", "dash.placement_rate": "Placed of consenting (fairness)",
};

/** @type {Record<string, string>} */
const ja = {
  "trainee.credentials": "資格", "trainee.credential": "{name}（{year}年）", "trainee.credential_verified": "{name}（{year}年・確認済み）",
  "field.working_hours": "勤務時間", "field.bill_rate_multiplier": "請求単価の係数", "field.min_overlap_hours_jst": "日本時間との最低重なり（時間）",
  "field.min_hours_per_week": "週あたり最低稼働時間", "field.availability_tolerance_months": "稼働開始の許容遅れ（か月）",
  "field.per_usd": "1 USDあたりの額", "field.valid_from": "適用開始日", "field.currency": "通貨",
  "nav.rates": "為替レート",
  "component.hours_per_week": "週あたり稼働時間",
  "reason.available_after_start_tolerance": "稼働開始が許容期間より遅い", "reason.jst_overlap_below_minimum": "日本の業務時間との重なりが不足",
  "reason.hours_per_week_below_minimum": "週あたり稼働時間が不足",
  "money.converted": "{amount}（約 {converted}）", "money.bill_rate": "月額請求単価（希望月額給与 × 係数）", "money.multiplier": "（= 希望月額給与 × {multiplier}）",
  "money.budget": "人月単価", "money.verdict": "予算との比較", "money.rates": "適用した為替レート",
  "money.rate_value": "1 USD = {per_usd} {currency}（{date}から）", "money.no_rate": "{currency}の為替レートなし",
  "money.in_force": "適用中", "money.currency": "通貨", "money.rate": "レート", "money.per_usd": "1 USDあたりの額", "money.valid_from": "適用開始日（省略時は本日）",
  "money.record": "レートを登録", "money.recorded": "{currency}のレートを登録しました。", "money.rates_help": "金額はすべて適用中のレートで比較します。変更は次の順位付けから反映され、各説明に表示されます。",
  "note.no_expected_salary": "希望月額給与の記載なし", "note.no_budget": "予算の記載なし", "note.no_exchange_rate": "為替レートがないため比較せず",
  "note.bill_rate_above_budget_maximum": "予算超過", "note.bill_rate_below_budget_minimum": "予算下限未満（より経験のある人材を想定した単価）",
  "note.bill_rate_within_budget": "予算内",
  "time.hours": "勤務時間", "time.hours_value": "{start}〜{end}（{zone}）、{days}", "time.day_separator": "・", "time.per_week": "週あたり稼働時間", "time.per_week_value": "{hours}時間",
  "time.overlap": "日本時間9:00〜18:00との重なり", "time.overlap_value": "1日平均{hours}時間（最も少ない時期、月〜金の平均。勤務しない曜日は0時間として計算。{offsets}）",
  "work.legend": "勤務条件と給与", "work.english": "英語（CEFR）", "work.salary": "希望月額給与", "work.currency": "通貨",
  "work.salary_help": "研修生に支払う通貨で入力します（バングラデシュではBDT）。企業には、組織の倍率とその日の為替レートで換算した円建ての月額請求単価（人月単価）として表示されます。",
  "work.hours_per_week": "週あたりの稼働時間", "work.start": "勤務開始（現地時刻）", "work.end": "勤務終了（現地時刻）", "work.days": "勤務日",
  "day.mon": "月", "day.tue": "火", "day.wed": "水", "day.thu": "木", "day.fri": "金", "day.sat": "土", "day.sun": "日",
  "auth.title": "サインイン", "auth.key": "APIキー", "auth.help": "プログラム事務局から受け取ったAPIキーを貼り付けてください。このタブの中だけに保存され、タブを閉じると消去されます。",
  "auth.signin": "サインイン", "auth.signout": "サインアウト", "auth.rejected": "このキーは受け付けられませんでした。", "auth.expired": "キーが無効になりました。もう一度サインインしてください。", "auth.session_expired": "サインインの有効期限が切れたため、編集中の内容は保存されていません。もう一度サインインすると、元のページに戻ります。", "auth.signed_out": "サインアウトしました。",
  "common.loading": "読み込み中…", "common.empty": "該当するデータはありません。", "common.none": "なし", "common.failed": "エラーが発生しました", "common.any": "すべて",
  "common.actions": "操作", "common.edit": "編集", "common.open": "開く", "common.remove": "削除", "common.save": "保存", "common.saved": "保存しました。",
  "common.filter": "絞り込み", "common.more": "さらに表示", "common.skip": "本文へ移動", "common.language": "English",
  "common.stale": "ほかの方がこの内容を更新しました。最新の内容を読み込み直しています…",
  "nav.label": "メイン", "nav.dashboard": "ダッシュボード", "nav.round": "マッチング実行", "nav.review": "承認待ち一覧", "nav.audit": "監査ログ",
  "nav.projects": "案件", "nav.matches": "マッチ", "nav.trainees": "研修生", "nav.import": "CSV取り込み",
  "role.admin": "管理者", "role.firm": "企業", "role.training_org": "研修機関",
  "dash.trainees": "機関別・状態別の研修生", "dash.organization": "機関", "dash.projects": "案件", "dash.open_projects": "募集中の案件",
  "dash.unfilled": "未充足の枠", "dash.matches": "状態別のマッチ件数", "dash.rounds": "最近のマッチング",
  "status.active": "活動中", "status.placed": "配属済み", "status.withdrawn": "辞退",
  "round.algorithm": "アルゴリズム", "round.stable": "安定マッチング（ブロッキングペアなし）", "round.max_score": "総スコア最大化",
  "round.more_unmatched": "…ほか{count}名（一覧には表示していません）", "round.unfilled": "埋まらなかった枠", "round.unfilled_item": "{project} — {firm}: 空き{seats}名（{why}）", "unfilled.no_eligible_trainee": "条件を満たす研修生がいません", "unfilled.trainees_placed_elsewhere": "条件を満たす研修生は、よりスコアの高い案件または希望する案件に割り当てられました", "unfilled.organization_cap": "同一機関からの上限人数により、他の候補者が対象外になりました", "round.projects": "案件", "round.project_option": "{title} — {firm}（{start}開始・{seats}名）", "round.projects_help": "空欄の場合は、募集中のすべての案件が対象です。", "round.min_score": "最低スコア（0〜1）",
  "round.cap": "1案件あたり同一機関からの上限人数（0は上限なし）", "round.run": "マッチングを実行", "round.running": "マッチングを実行中…",
  "round.result": "マッチング結果：提案を作成しました", "round.result_dry": "試行の結果：提案は作成していません",
  "round.confirm": "本番のマッチングを実行しますか？結果のマッチはすぐに提案され、企業と研修機関に通知されます。試行なら、提案を作成せずに同じ結果を確認できます。",
  "round.confirm_button": "実行して提案を作成する", "round.assigned": "割り当て", "round.mean": "平均スコア", "round.total_ms": "所要時間（ミリ秒）",
  "round.per_org": "研修機関別の割り当て", "round.assignments": "提案されたマッチ", "round.unmatched": "未割り当て", "round.done": "マッチングが完了しました。",
  "unmatched.no_eligible_project": "適格な案件なし", "unmatched.means.no_eligible_project": "今回のどの案件の条件（必須スキル、語学、開始日、稼働時間、同意）も満たしていません。", "unmatched.means.outranked": "条件は満たしていますが、該当する案件はすべて、よりスコアの高い研修生で枠が埋まりました（安定マッチングでは、各案件が自分の研修生を選好しています）。", "unmatched.means.capacity": "該当する案件に空き枠がないか、同一機関からの上限人数に達していました。", "unmatched.means.not_shortlisted": "どの案件の候補リストにも入らなかった稼働可能な研修生です。該当しうる案件には、よりスコアの高い候補者が十分にいたか、応募できる案件がありませんでした。", "unmatched.outranked": "より適合する候補者で充足", "unmatched.capacity": "枠なし", "unmatched.not_shortlisted": "候補外",
  "review.pick": "一覧からマッチを選ぶと、詳細が表示されます。", "review.list": "マッチ一覧", "review.keys": "キー操作: j / k で前後に移動、Enter で開く、a で承認（確認があります）、r で理由を入力。", "review.keys_member": "キー操作: j / k で前後に移動、Enter で開く、r で理由を入力。",
  "match.state": "状態", "match.score": "スコア", "match.demand": "案件の要件", "match.profile": "研修生プロフィール（匿名）",
  "match.explanation": "スコアの根拠", "match.components": "スコアの内訳", "match.component_value": "{percent} × 重み {weight} = +{contribution}", "match.matched": "一致したスキル", "match.missing": "不足しているスキル",
  "match.ineligible": "条件外", "match.reason": "理由（見送り・辞退の場合は必須）", "match.moved": "「{state}」に変更しました。", "match.no_moves": "実行できる操作はありません。",
  "match.personal": "連絡先",
  "state.proposed": "提案中", "state.shortlisted": "候補", "state.interviewing": "面接中", "state.offered": "内定提示",
  "state.accepted": "内定承諾", "state.approved": "承認済み", "state.rejected": "見送り", "state.withdrawn": "辞退",
  "action.shortlisted": "候補に追加する", "action.interviewing": "面接を開始する", "action.offered": "内定を出す", "action.accepted": "内定を承諾する",
  "action.approved": "承認する", "action.rejected": "見送る", "action.withdrawn": "辞退する", "action.proposed": "提案する",
  "component.skills": "スキル", "component.japanese": "日本語", "component.english": "英語", "component.timezone_overlap": "稼働時間帯の重なり",
  "component.availability": "稼働開始時期", "component.rate": "請求単価と人月単価", "component.experience": "経験年数", "component.domain": "業界経験",
  "reason.no_consent": "マッチングへの同意なし", "reason.not_active": "活動中ではない", "reason.missing_must_have_skill": "必須スキル不足",
  "reason.japanese_below_minimum": "日本語が基準未満", "reason.english_below_minimum": "英語が基準未満",
  "reason.unavailable_before_project_end": "案件終了までに稼働不可", "reason.engagement_mismatch": "契約形態が合わない",
  "audit.kind": "種類", "audit.match": "マッチID", "audit.transition": "状態変更", "audit.round": "マッチング実行", "audit.personal_data_read": "個人情報の閲覧", "audit.consent": "同意内容の変更",
  "audit.at": "日時", "audit.actor": "操作者", "audit.from": "変更前", "audit.to": "変更後", "audit.reason": "理由", "audit.subject": "対象（マッチ／実行）",
  "project.new": "新しい案件", "project.edit": "案件を編集", "project.title": "案件名", "project.description": "説明", "project.status": "状態",
  "project.headcount": "募集人数", "project.headcount_roles": "チーム編成の役割（下記）がある場合、募集人数は各役割の人数の合計になります。", "project.start": "開始日", "project.duration": "期間（月）", "project.months": "か月", "project.jlpt": "日本語の最低レベル（JLPT）",
  "project.languages": "言語", "project.skills": "スキル", "project.skill": "スキル", "project.min_level": "最低レベル", "project.weight": "重み",
  "project.required": "必須", "project.add_skill": "スキルを追加", "project.candidates": "候補者",
  "candidate.shortlist": "候補に追加", "candidate.pick_role": "候補に追加するには、上で役割を選んでください。", "candidate.shortlisted": "候補に追加しました", "candidate.already": "すでにマッチ一覧にあります",
  "candidate.in_matches": "マッチ一覧にあります：{state}", "candidate.in_matches_role": "役割「{role}」でマッチ一覧にあります：{state}", "candidate.rejected_before": "この案件では以前に見送った候補者です。マッチングラウンドで再び提案されることはありません。手動で候補に追加することはできます。", "candidate.shortlist_again": "もう一度候補に追加",
  "trainee.alias": "匿名ID", "trainee.name": "氏名", "trainee.email": "メール", "trainee.phone": "電話番号", "trainee.program": "研修プログラム", "trainee.city": "都市", "trainee.timezone": "タイムゾーン",
  "trainee.place": "所在地", "trainee.skills": "スキル", "trainee.skills_help": "スキル名:レベル:経験年数（年数は省略可）をセミコロン区切りで入力してください（例: PyTorch:4:2.5; Python:5）。年数を省略したスキルは、登録済みの経験年数をそのまま引き継ぎます。",
  "trainee.languages": "言語", "trainee.available_from": "稼働開始日", "trainee.rate": "希望月額給与（帯）", "trainee.status": "状態",
  "trainee.search": "匿名ID・プログラムで検索", "trainee.search_own": "氏名・メール・匿名ID・プログラムで検索", "trainee.new": "新しい研修生", "trainee.edit": "研修生を編集", "trainee.opportunities": "おすすめ案件",
  "trainee.consent": "同意", "trainee.consent_matching": "マッチングに同意（外すと選考中のマッチは取り下げられます）", "trainee.consent_abroad": "オファー承諾後、海外企業に名前と連絡先を開示することに同意",
  "import.help": "まずCSVを検査し（保存されません）、その後取り込みます。全行取り込むか、何も取り込まないかのどちらかです。",
  "import.template": "テンプレートをダウンロード（CSV）", "import.template_help": "すべての列と記入例1行です。Excelでは「CSV UTF-8」で保存すると、ベンガル語や日本語の名前も正しく取り込めます。スキルは skill:level:years をセミコロンで区切ります。勤務日は sun;mon;tue;wed;thu、勤務時間は現地時刻の 09:00 と 18:00 の形で入力します（空欄なら月〜金、09:00〜18:00）。", "import.file": "CSVファイル", "import.text": "CSVテキスト",
  "import.dry_run": "検査のみ（保存しない）", "import.commit": "取り込む", "import.working": "処理中…", "import.preview": "検査結果",
  "import.rows": "行数", "import.valid": "有効", "import.would_create": "作成予定", "import.clean": "問題は見つかりませんでした。",
  "import.errors": "行ごとの問題", "import.line": "行番号", "import.field": "項目", "import.problem": "問題", "import.created": "作成した研修生",
  "common.labelled": "{label}: {value}", "common.failed_with": "エラーが発生しました: {message}",
  "match.matched_label": "一致したスキル:", "match.missing_label": "不足しているスキル:", "match.state_label": "状態:", "match.offer_question": "{alias}さんへの{project}の内定条件", "match.offer_rate": "人月単価", "match.offer_currency": "通貨", "match.offer_start": "開始日", "match.offer_send": "この条件で内定を出す", "match.offer_value": "内定条件: 人月単価 {rate}・開始日 {start}", "match.offer_no_rate": "記載なし", "match.firm_value": "企業: {firm}", "match.parties": "企業: {firm}・研修機関: {school}", "match.role_value": "募集役割: {role}",
  "project.skill_need": "{skill} レベル{level}以上", "trainee.skill_level": "{skill} レベル{level}", "project.skill_need_required": "{skill} レベル{level}以上（必須）",
  "common.cancel": "キャンセル", "common.request_id": "リクエストID: {id}", "common.range": "{min}〜{max}", "common.field_error": "{field}: {message}",
  "match.confirm_approve": "{alias} の「{project}」への配属を承認しますか？承認すると研修生は配属済みとなり、案件の募集枠を1つ使います。",
  "match.confirm_accept": "{firm}の「{project}」における{alias} の内定を承諾しますか？承諾すると、{firm}に研修生の氏名・メールアドレス・電話番号が開示されます（これまでは匿名IDのみ）。",
  "match.confirm_accept_button": "承諾して連絡先を開示する",
  "match.confirm_accept_private": "{firm}の「{project}」における{alias} の内定を承諾しますか？研修生が海外企業への情報提供に同意していないため、承諾後も{firm}には氏名・連絡先は開示されません。同意を得た場合は研修生のページで記録すると、その時点から開示されます。",
  "match.confirm_accept_private_button": "連絡先を開示せずに承諾する",
  "match.confirm": "承認を確定する", "match.score_value": "スコア: {score}", "match.open": "開く", "match.contact": "連絡先: {details}",
  "dash.projects_summary": "募集中の案件: {open}件・未充足の枠: {unfilled}名分", "dash.round_line": "{when}・{algorithm}・割り当て {assigned}/{seats}", "dash.dry_round_line": "{when}・試行（提案なし）・{algorithm}・割り当て見込み {assigned}/{seats}",
  "round.summary": "割り当て: {assigned} / {seats}・平均スコア: {mean}・所要時間: {ms}ミリ秒", "round.unmatched_total": "合計{count}名",
  "trainee.languages_value": "JLPT {jlpt}・CEFR {cefr}", "trainee.place_value": "{country}・{city}",
  "project.languages_value": "JLPT {jlpt}以上・CEFR {cefr}以上", "project.start_value": "{date}から{months}か月", "project.budget": "人月単価", "project.budget_min": "人月単価（下限）", "project.budget_max": "人月単価（上限）", "project.budget_currency": "予算の通貨",
  "project.skill_n": "スキル{n}", "project.must_have": "必須",
  "import.line_n": "{line}行目", "import.field_column": "{field}（列 {column}）", "import.all_or_nothing": "問題のある行が1行でもあると、何も取り込まれません。一覧の行を修正してから、もう一度検査してください。", "import.summary": "行数: {rows}・有効: {valid}・作成予定: {would_create}",
  "import.duplicate": "{line}行目: {email}（{reason}）", "import.duplicates_more": "…ほか{count}件の重複（一覧には表示していません）",
  "import.created_n": "{count}名の研修生を登録しました。", "import.skip_registered": "登録済みの研修生（同じメールアドレス）はスキップし、新しい行だけを取り込む", "import.skipped_n": "登録済みのためスキップ：{count}名",
  "import.lost": "応答がありませんでした（接続が切れた可能性があります）。もう一度「取り込む」を押してください。同じファイルが二重に取り込まれることはありません。",
  "import.created_before": "このファイルは取り込み済みです（その際 {count}名を登録しました）。",
  "import.reason.registered": "この機関に登録済み", "import.reason.repeated_row": "前の行と重複",
  "pstatus.draft": "下書き", "pstatus.open": "募集中", "pstatus.closed": "募集終了", "status.erased": "削除済み",
  "level.none": "なし", "algorithm.stable": "安定マッチング", "algorithm.max_score": "総スコア最大化",
  "field.full_name": "氏名", "field.email": "メール", "field.phone": "電話番号", "field.country": "国", "field.city": "都市", "field.timezone": "タイムゾーン",
  "field.program": "プログラム", "field.skills": "スキル", "field.languages": "言語", "field.certifications": "資格",
  "field.available_from": "稼働開始日", "field.hours_per_week": "週あたりの稼働時間", "field.expected_monthly_rate": "希望月額給与",
  "field.domains": "業界経験", "field.engagement": "契約形態", "field.consent": "同意", "field.status": "状態", "field.title": "案件名",
  "field.description": "説明", "field.headcount": "募集人数", "field.start_date": "開始日", "field.duration_months": "期間",
  "field.japanese_min": "日本語の最低レベル", "field.english_min": "英語の最低レベル", "field.budget_monthly": "人月単価", "field.budget_monthly/min": "人月単価（下限）", "field.budget_monthly/max": "人月単価（上限）", "field.reason": "理由",
  "field.to": "変更後の状態", "field.from": "開始日", "field.algorithm": "アルゴリズム", "field.min_score": "最低スコア", "field.max_per_org_per_project": "同一機関からの上限人数",
  "field.project_ids": "案件", "field.project_id": "案件", "field.trainee_id": "研修生", "field.organization_id": "機関",
  "field.offer": "内定", "field.offer.monthly_rate": "人月単価", "field.offer.start_date": "開始日", "field.roles": "役割", "field.roles.title": "役割名", "field.roles.key": "キー", "field.roles.headcount": "人数", "field.skills.skill": "", "field.skills.min_level": "最低レベル", "field.skills.weight": "重み", "field.limit": "表示件数", "field.cursor": "ページ", "field.kind": "種類", "field.match_id": "マッチID", "field.If-Match": "バージョン",
  "error.required": "入力してください。", "error.required:/reason": "見送り・辞退の場合は理由を入力してください。",
  "error.unknown_field": "この項目は受け付けていません。", "error.unknown_column": "取り込みで使えない列名です。列名はテンプレートと同じにしてください：{allowed}", "error.read_only": "システムが設定する項目のため変更できません。",
  "error.wrong_type": "{expected}で入力してください。", "error.invalid_text": "制御文字など、保存できない文字が含まれています。", "error.invalid_text:encoding": "文字化け（�）があります。入力し直してください（表計算ソフトからの場合は「CSV UTF-8」形式で保存し直してください）。", "error.invalid_format:password": "推測されやすいパスワードです（同じ文字の繰り返し、1234567890 のような並び、よく使われるパスワード、メールアドレスを含むもの）。別のパスワードにしてください。", "error.invalid_format:phone": "Excelが電話番号を 8.80171E+12 のような形に変え、末尾の数字が失われています。列を文字列形式にして入力し直してください。",
  "error.blank": "空白以外の文字を入力してください。", "error.too_long": "{max_length}文字以内で入力してください。", "error.too_many": "{max_items}件以内にしてください。",
  "error.out_of_range": "{min}〜{max}の範囲で入力してください。", "error.invalid_choice": "{allowed}のいずれかを選んでください。",
  "error.invalid_text:question_marks": "氏名に「?」があります。文字を扱えない形式で保存され、文字が失われています。「CSV UTF-8」形式で保存し直して取り込んでください。", "error.invalid_format:phone_zero": "Excelが先頭の0を削除しています（01712…が1712…）。列を文字列形式にして、01…または+880…の形で入力してください。", "error.invalid_format": "{format}の形式で入力してください。", "error.invalid_format:csv": "この行の項目数は{fields}個ですが、見出し行は{expected_fields}個です。",
  "error.invalid_format:date_excel": "Excelが日付を数値（{readings}）に変えています。列を文字列形式にして、YYYY-MM-DD の形で入力してください。",
  "error.invalid_format:date_order": "日付は YYYY-MM-DD の形で入力してください（この日付は {readings}）。",
  "error.invalid_format:date_digits": "日付は半角数字で YYYY-MM-DD の形で入力してください（この日付は {readings}）。",
  "error.invalid_format:time_reading": "時刻は半角数字・24時間制の HH:MM で入力してください（この時刻は {readings}）。",
  "error.invalid_format:time_excel": "Excel が時刻を数値（{readings}）として保存しています。列の書式を「文字列」にして、時刻を HH:MM で入力してください。",
  "error.unknown_skill": "「{skill}」は登録されていないスキルです。", "error.unknown_skill_closest": "「{skill}」は登録されていないスキルです。{closest}ではありませんか？",
  "error.duplicate": "重複しています。", "error.not_found": "該当する{resource}が見つかりません。", "error.taken": "既に使われています。", "error.taken_skill": "既に「{skill}」の名前として使われています。",
  "error.invalid_state": "現在の状態では指定できません。", "error.not_permitted": "この項目を指定する権限がありません。",
  "error.invalid_combination": "{with}と矛盾しています。", "error.stale": "ほかの方が先に更新しました。",
  "error.reused": "別のリクエストで使用済みです。", "error.truncated": "ほかに{count}件の問題があります（表示を省略しています）。",
  "expected.string": "文字", "expected.integer": "整数", "expected.number": "数値", "expected.boolean": "はい・いいえ",
  "expected.object": "項目のまとまり", "expected.array": "一覧",
  "format.date": "日付（YYYY-MM-DD、1900-01-01以降）", "format.email": "メールアドレス", "format.country": "国コード（BD、JPなど）",
  "format.currency": "通貨コード（JPY、USDなど）", "format.timezone": "タイムゾーン（Asia/Dhakaなど）", "format.domain": "業界名（半角小文字。例: automotive）",
  "format.uuid": "ID", "format.timestamp": "日時", "format.cursor": "ページ位置", "format.etag": "バージョン",
  "format.skill_name": "スキル名（, : ; を除く）", "format.idempotency_key": "リクエストキー", "format.json_object": "JSONオブジェクト",
  "resource.project": "案件", "resource.candidate": "候補者", "resource.firm": "企業", "resource.training_provider": "研修機関",
  "problem.malformed-request": "リクエストを読み取れませんでした。", "problem.invalid-parameters": "検索条件に誤りがあります。",
  "problem.unauthenticated": "APIキーが受け付けられませんでした。", "problem.forbidden": "この操作を行う権限がありません。",
  "problem.not-found": "見つからないか、閲覧する権限がありません。", "problem.method-not-allowed": "この操作はここでは利用できません。",
  "problem.request-timeout": "リクエストがタイムアウトしました。", "problem.conflict": "既存のデータと矛盾するため、処理できませんでした。",
  "problem.duplicate": "既に登録されている内容と重複しています。", "problem.edit-conflict": "ほかの方の更新が続いたため保存できませんでした。もう一度保存してください。",
  "problem.request-in-progress": "同じリクエストを処理中です。しばらくしてからお試しください。",
  "problem.round-running": "別のマッチングを実行中です。終了してからお試しください。",
  "problem.transition-not-allowed": "このマッチの現在の状態からは実行できない操作です。",
  "problem.seats-filled": "この案件の募集枠はすべて埋まっています。", "problem.already-placed": "この研修生は既に配属が承認されています。",
  "problem.stale": "ほかの方がこの内容を更新しました。読み込み直してからお試しください。", "problem.invalid-precondition": "読み込み直してからお試しください。",
  "problem.too-large": "一度に送信できる量を超えています。", "problem.unsupported-media-type": "この形式のファイルは受け付けていません。", "problem.expectation-failed": "このサービスが対応していない要求が含まれています。",
  "problem.validation": "入力内容に誤りがあります。各項目のメッセージをご確認ください。", "problem.idempotency-key-reused": "このリクエストキーは別のリクエストで使用済みです。",
  "problem.constraints-not-met": "この研修生は案件の必須条件を満たしていません。",
  "problem.precondition-required": "読み込み直してからお試しください。", "problem.rate-limited": "リクエストが多すぎます。しばらく待ってからお試しください。",
  "problem.headers-too-large": "リクエストが大きすぎます。", "problem.internal": "サーバーでエラーが発生しました。",
  "problem.not-implemented": "この操作には対応していません。", "problem.unavailable": "ただいまサービスを利用できません。しばらくしてからお試しください。", "problem.network": "応答がありませんでした（接続が切れた可能性があります）。接続を確認して、もう一度お試しください。",
  "nav.webhooks": "Webhook連携", "webhook.help": "選んだ種類の出来事を、署名付きのPOSTでお使いのシステムに通知します（Kakehashi-Signatureヘッダー：APIリファレンスを参照）。失敗が続く送信先は停止されます。応答するようになったら再開してください。",
  "webhook.url": "送信先URL", "webhook.description": "説明（任意）", "webhook.events": "通知する出来事", "webhook.state": "状態", "webhook.add": "送信先を追加",
  "webhook.none": "送信先はまだありません。", "webhook.enabled": "有効", "webhook.failing": "有効（{count} 回連続で失敗）", "webhook.disabled": "停止中",
  "webhook.disabled_after": "停止中（{count} 回連続で配信に失敗したため）", "webhook.enable": "再開する", "webhook.enabled_again": "再開しました。保留中の通知を送信します。",
  "webhook.remove": "削除", "webhook.remove_confirm": "削除を確定", "webhook.removed": "送信先を削除しました。",
  "webhook.secret_title": "署名用シークレット（この一度だけ表示）", "webhook.secret_help": "今すぐお使いのシステムに登録してください。通知がkakehashiからのものであることの検証に使います。二度と表示されません。",
  "webhook.secret_label": "署名用シークレット", "webhook.secret_saved": "保存しました", "webhook.secret_gone": "シークレットの表示を消しました。",
  "webhook.deliveries": "送信履歴", "webhook.no_deliveries": "まだ送信はありません。", "webhook.created": "発生日時", "webhook.event": "出来事", "webhook.status": "状態",
  "webhook.attempts": "試行回数", "webhook.last_answer": "最後の応答", "webhook.next_attempt": "次の試行", "webhook.back": "送信先の一覧へ",
  "event.match.state_changed": "マッチの状態変更", "event.offer.received": "内定提示", "event.round.completed": "マッチングラウンド終了",
  "event.trainee.consent_changed": "研修生の同意の変更", "event.project.status_changed": "案件の状態変更",
  "delivery.pending": "送信待ち", "delivery.delivered": "送信済み", "delivery.failed": "送信断念",
  "nav.inbox": "お知らせ", "inbox.unread": "未読 {count} 件", "inbox.empty": "まだお知らせはありません。",
  "inbox.mark_read": "既読にする", "inbox.read_all": "すべて既読にする",
  "inbox.match_moved": "{project}の{trainee}：{from} → {to}", "inbox.match_new": "{project}の{trainee}：{to}",
  "inbox.offer": "内定提示を受けました：{project}の{trainee}", "inbox.round": "マッチング実行で {count} 件が提案されました",
  "inbox.consent": "{trainee}の同意が変更されました", "inbox.project": "{project}が「{to}」になりました",
  "problem.index-loading": "マッチングの準備中です。しばらくしてからお試しください。",  // People's accounts (accounts.js).
  "auth.signin_key": "キーでサインイン", "nav.people": "メンバー", "audit.account": "アカウントの変更",
  "prole.owner": "オーナー", "prole.member": "メンバー", "prole.viewer": "閲覧のみ", "prole.admin": "管理者",
  "account.email": "メールアドレス", "account.password": "パスワード", "account.totp_code": "認証アプリのコード",
  "account.totp_needed": "認証アプリに表示されている6桁のコードを入力してください。", "account.rejected": "メールアドレスまたはパスワードが正しくありません。",
  "account.use_key": "APIキーでサインイン（システム連携用）", "account.accept_title": "kakehashiに参加",
  "account.accept_help": "kakehashiに招待されました。同僚に表示される名前とパスワードを決めてください。",
  "account.name": "氏名", "account.new_password": "新しいパスワード", "account.password_help": "10文字以上。複数の単語を組み合わせたパスフレーズがおすすめです。",
  "account.accept": "アカウントを作成", "account.joined": "アカウントを作成しました。メールアドレスとパスワードでサインインしてください。",
  "account.role": "役割", "account.role_of": "{name}さんの役割", "account.totp": "2段階認証", "account.totp_on": "有効",
  "account.remove_confirm": "{name}さんを組織から削除しますか？すぐにサインアウトされます。",
  "account.organization": "組織", "account.invitations": "招待", "account.invite": "招待する",
  "account.invited_line": "{email}（{role}）：{until}まで有効", "account.invite_link": "このリンクを{email}さんに送ってください。表示は今回限りで、1回だけ使えます。",
  "account.invite_url": "招待リンク",
  "nav.account": "アカウント", "account.session_until": "サインインの有効期限", "account.sessions": "セッション",
  "account.everywhere_help": "ノートPCを紛失した、共用PCでサインインした場合などに。この端末を含むすべての端末からサインアウトします。",
  "account.signout_everywhere": "すべての端末からサインアウト", "account.signed_out_everywhere": "すべての端末からサインアウトしました。",
  "account.totp_is_on": "2段階認証は有効です。サインイン時に認証アプリのコードを求めます。",
  "account.totp_is_off": "2段階認証は無効です。有効にすると、サインイン時にスマートフォンの認証アプリのコードも求めます。",
  "account.totp_start": "2段階認証を有効にする", "account.totp_scan": "このキーを認証アプリに登録し（またはスマートフォンでリンクを開き）、表示されたコードを入力してください。",
  "account.totp_secret": "キー", "account.totp_uri": "アプリ用リンク", "account.totp_confirm": "確認", "account.totp_disable": "無効にする",
  "account.totp_on_done": "2段階認証を有効にしました。", "account.totp_off_done": "2段階認証を無効にしました。",
  // Issue 16
  "nav.proposals": "スキル提案", "side.project": "案件", "side.firm": "企業", "side.description": "概要",
  "side.engagement": "契約形態", "side.location": "勤務地", "side.budget": "人月単価",
  "side.budget_converted": "{budget}（約{converted}）", "side.rank_title": "{rank}位 {title}・{firm}",
  "side.why_matched": "貴機関の研修生がこの案件に提案またはマッチングされています。",
  "side.why_opportunity": "貴機関の研修生が応募条件を満たす募集中の案件です。",
  "engagement.offshore": "オフショア", "engagement.onsite_japan": "日本常駐", "engagement.hybrid": "ハイブリッド",
  "proposal.help": "分類にないスキルを提案できます。プログラム事務局が承認するまで保留となり、承認後に研修生や案件で使えるようになります。",
  "proposal.name": "スキル名（英語）", "proposal.name_ja": "日本語名", "proposal.category": "分類（web、mobile、qa など）",
  "proposal.aliases": "別名（カンマ区切り）", "proposal.note": "必要な理由", "proposal.send": "提案する",
  "proposal.sent": "{name} を提案しました（承認待ち）。", "proposal.mine": "提案したスキル", "proposal.pending": "承認待ちの提案",
  "proposal.approve": "承認する", "proposal.reject": "却下する", "proposal.reason": "却下の理由",
  "proposal.approved_done": "{name} をスキルとして追加しました。", "proposal.rejected_done": "{name} を却下しました。",
  "proposal.title_ja": "{name}（{name_ja}）", "proposal.line": "{status}・{org}・{when}",
  "proposal.aliases_value": "別名: {aliases}", "proposal.reason_value": "理由: {reason}",
  "proposal_status.pending": "承認待ち", "proposal_status.approved": "承認済み", "proposal_status.rejected": "却下",
  // Issue 17: programme reports and duplicates (web/reports.js).
  "nav.reports": "レポート", "nav.duplicates": "重複の可能性",
  "report.help": "期間中に登録された研修生の進捗と配属時の単価です。5人未満の数と、合計から逆算できてしまう数は表示しません。",
  "report.from": "開始日", "report.to": "終了日", "report.group_by": "集計単位", "report.show": "表示", "report.csv": "CSVをダウンロード（Excel）",
  "report.by.organization": "研修機関", "report.by.cohort": "コホート", "report.by.skill": "スキル", "report.by.month": "登録月", "report.by.gender": "性別", "report.by.district": "出身県",
  "report.registered": "登録", "report.active": "在籍", "report.consenting": "同意あり", "report.proposed": "提案", "report.shortlisted": "候補選定",
  "report.offered": "オファー", "report.accepted": "承諾", "report.approved": "配属", "report.rate": "配属率", "report.days": "配属までの日数（中央値）",
  "report.bill_median": "人月単価の中央値（円）", "report.total": "合計", "report.not_stated": "未記入", "report.merged": "その他（5名未満の{count}グループ、名称非表示）", "report.suppressed": "—",
  "report.suppression": "— ：{n}人未満、または合計から少数が逆算できないよう非表示にした値です。",
  "gender.female": "女性", "gender.male": "男性", "gender.other": "その他",
  "dup.help": "異なる研修機関に、同じメールアドレスまたは電話番号の研修生がいます（鍵付きダイジェストで照合し、連絡先は表示しません）。一方が配属中の間、もう一方は提案されません。",
  "dup.at": "検出日時", "dup.matched": "一致", "dup.first": "研修生", "dup.second": "同一人物の可能性", "dup.placed": "配属中", "dup.on.email": "メール", "dup.on.phone": "電話",
  "audit.erasure": "削除（保存期間）",
  "trainee.demographics": "属性（任意）", "trainee.demographics_help": "氏名と同じく個人情報です。プログラムの集計レポートにのみ使われ、企業には表示されません。",
  "trainee.gender": "性別", "trainee.gender_unstated": "未回答", "trainee.district": "出身県",
  // チーム・希望・試行（issue 15、service/web/teams.js）
  "team.roles": "チームの役割", "team.help": "チームでは枠ごとに求める人材が異なります。1種類の枠なら空のままにしてください。役割ごとの水準とスキルは案件の設定より優先されます。",
  "team.role_n": "役割 {n}", "team.key": "キー（例: bridge_se）", "team.key_auto": "空欄なら自動（英字の役割名から、または role_1）", "team.title": "役割名", "team.seats": "人数", "team.cefr": "英語の最低水準",
  "team.skills": "役割の必須スキル（スキル:レベル, …／両方空欄なら案件の設定）", "team.nice_skills": "役割の歓迎スキル（スキル:レベル, …）", "team.add_role": "役割を追加", "team.project_level": "案件と同じ", "team.all_roles": "案件全体",
  "team.role_pick": "役割",
  "near.title": "候補者が少ない理由", "near.summary": "活動中で同意済みの研修生 {pool} 名のうち {eligible} 名がすべての条件を満たしています。", "near.excluded": "除外の理由",
  "near.relax": "条件を一段階緩めた場合", "near.counts_only": "人数のみを表示し、個人は表示しません。",
  "near.japanese_min": "日本語 {from} → {to}：さらに {count} 名が対象", "near.english_min": "英語 {from} → {to}：さらに {count} 名が対象",
  "near.must_have_skill": "{skill} を歓迎スキルに：さらに {count} 名が対象", "near.start_date": "開始日 {from} → {to}：さらに {count} 名が対象",
  "near.budget_max_usd": "予算 +10 %（{from} → {to} USD）：さらに {count} 名が対象（予算は条件ではなく評価項目です）",
  "near.budget": "予算 +10 %（{from} → {to}）：さらに {count} 名が対象（予算は条件ではなく評価項目です）",
  "prefs.title": "希望", "prefs.help": "この研修生が希望する案件（優先順）と辞退する案件。安定マッチングは希望に従い、辞退した案件にはどの方式でも配属しません。",
  "prefs.wanted": "希望（優先順）", "prefs.refused": "辞退", "prefs.rank_n": "第{n}希望", "prefs.refused_n": "辞退 {n}", "prefs.none": "—",
  "rounds.title": "マッチングの比較と取り消し", "rounds.dry_name": "試行・{algorithm}・{when}・{assigned} 件", "rounds.real_name": "{algorithm}・{when}・{assigned} 件",
  "rounds.compare": "比較", "rounds.difference": "B − A", "rounds.total": "合計スコア", "rounds.pairs": "共通の組み合わせ {same} 件、Aのみ {a} 件、Bのみ {b} 件。",
  "rounds.undo_title": "マッチングの取り消し（提案中のマッチを一括辞退）", "rounds.undo": "提案を取り消す", "rounds.undo_confirm": "このマッチングで提案中のマッチをすべて取り消しますか？",
  "rounds.undone": "{count} 件の提案を取り消しました。", "round.dry_run": "試行（シミュレーションとして保存し、マッチを作成しない）", "round.dry_done": "試行が完了しました。提案は作成していません。",
  "round.pool_rate": "{pool} 名中 {assigned} 名（{rate} %）", "dash.placement_rate": "同意者のうち配属済み（公平性）",
};

/** @typedef {"en" | "ja"} Lang */
/** @type {Record<Lang, Record<string, string>>} */
const dictionaries = { en, ja };
const STORED = "kakehashi.lang";

/**
 * The first of the browser's preferred languages the console has, else English.
 * @param {readonly string[]} languages
 * @returns {Lang}
 */
export function preferredLanguage(languages) {
  for (const tag of languages) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "ja" || base === "en") return base;
  }
  return "en";
}

/** @returns {Lang} */
function initialLanguage() {
  const stored = localStorage.getItem(STORED);
  if (stored === "ja" || stored === "en") return stored;
  return preferredLanguage(navigator.languages?.length ? navigator.languages : [navigator.language || "en"]);
}

/** @type {Lang} */
let current = initialLanguage();

/** @returns {Lang} */
export function language() {
  return current;
}
/** @param {string} lang */
export function setLanguage(lang) {
  current = lang === "ja" ? "ja" : "en";
  localStorage.setItem(STORED, current);
}

// BCP 47 tags for Intl: British English (day before month, as Bangladesh
// writes dates) and Japanese.
const locale = () => (current === "ja" ? "ja-JP" : "en-GB");

/** @param {string} key */
export function has(key) {
  return key in dictionaries[current] || key in en;
}

/**
 * The text for `key` with each {name} replaced by params[name]; numbers are
 * formatted for the language.
 * @param {string} key
 * @param {Record<string, unknown>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  const text = dictionaries[current][key] ?? en[key] ?? key;
  return text.replace(/\{([A-Za-z_]+)\}/g, (whole, name) => {
    const value = params[name];
    if (value === undefined || value === null) return whole;
    return typeof value === "number" ? formatNumber(value) : String(value);
  });
}

/**
 * @param {number} n
 * @param {number} [digits] fixed fraction digits; otherwise as needed (up to 3)
 */
export function formatNumber(n, digits) {
  if (typeof n !== "number" || !Number.isFinite(n)) return "—";
  const options = digits === undefined ? { maximumFractionDigits: 3 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(locale(), options).format(n);
}

/**
 * Money in its currency: ¥120,000 for yen; taka in lakhs in English
 * (BDT 1,50,000, as Bangladesh writes it), in thousands in Japanese
 * (BDT 150,000, as a Japanese reader counts).
 * @param {number} amount
 * @param {string} currency ISO 4217
 */
export function formatMoney(amount, currency) {
  if (typeof amount !== "number") return "—";
  try {
    // Whole amounts without ".00": budgets and rates are round numbers.
    const whole = Number.isInteger(amount) ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {};
    const grouping = currency === "BDT" && language() === "en" ? "en-IN" : locale();
    return new Intl.NumberFormat(grouping, { style: "currency", currency, currencyDisplay: currency === "JPY" ? "symbol" : "code", ...whole }).format(amount);
  } catch {
    return `${formatNumber(amount)} ${currency}`;
  }
}

/**
 * A calendar date ("2027-02-01"): shown as that day wherever the reader is.
 * @param {string | null | undefined} date
 */
export function formatDate(date) {
  if (!date) return "—";
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(d);
}

/**
 * An instant (RFC 3339), in the reader's time zone.
 * @param {string | null | undefined} instant
 */
export function formatDateTime(instant) {
  if (!instant) return "—";
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/**
 * A list of words joined as the language joins them ("A, B or C").
 * @param {readonly string[]} items
 * @param {"conjunction" | "disjunction"} [type]
 */
export function formatList(items, type = "conjunction") {
  return new Intl.ListFormat(locale(), { type }).format(items);
}

/**
 * The label of an enum value (a state, a status, a level); the value itself
 * when the console has no label for it.
 * @param {string} group e.g. "state", "status", "pstatus", "role"
 * @param {string | null | undefined} value
 */
export function label(group, value) {
  if (value === null || value === undefined || value === "") return "—";
  const key = `${group}.${value}`;
  return has(key) ? t(key) : value;
}

/** A JLPT or CEFR level: "none" is translated, the rest are names. */
export function levelLabel(/** @type {string | null | undefined} */ level) {
  return level === "none" ? t("level.none") : (level ?? "—");
}

/**
 * The name of the field a pointer ("/skills/0/level") or parameter names.
 * @param {string} pointer
 */
export function fieldName(pointer) {
  // A member with a name of its own (the budget's minimum against its maximum
  // had read "人月単価と矛盾しています" under the 人月単価 itself).
  const whole = pointer.startsWith("/") ? pointer.slice(1) : pointer;
  if (has(`field.${whole}`)) return t(`field.${whole}`);
  if (!pointer.startsWith("/")) return has(`field.${pointer}`) ? t(`field.${pointer}`) : pointer;
  // Each member by its name, each list item by its place counted from 1
  // (/roles/1/skills/0/skill: "Role 2 · Skill 1"); a member read under its
  // parent's name first (a role's title is not the project's). The first
  // member unknown: the pointer as it is; a later one: the names so far.
  const labels = [];
  let parent = "";
  for (const segment of whole.split("/").map((x) => x.replace(/~1/g, "/").replace(/~0/g, "~"))) {
    if (/^\d+$/.test(segment) && labels.length) {
      labels[labels.length - 1] += ` ${Number(segment) + 1}`;
      continue;
    }
    const key = [`field.${parent}.${segment}`, `field.${segment}`].find((k) => has(k));
    if (!key) break;
    if (t(key)) labels.push(t(key));
    parent = segment;
  }
  return labels.length ? labels.join(" · ") : pointer;
}

/**
 * @typedef {{ pointer: string, code?: string, detail?: string, params?: Record<string, unknown>, line?: number }} FieldError
 * @typedef {{ type?: string, title?: string, status?: number, detail?: string, request_id?: string, errors?: FieldError[] }} Problem
 */

/**
 * One field error in words, from its code and parameters; the server's
 * English detail only for a code this console does not know.
 * @param {FieldError} error
 * @returns {string}
 */
export function fieldErrorText(error) {
  const code = error.code;
  const p = error.params || {};
  if (!code || !has(`error.${code}`)) return error.detail || "";
  const specific = `error.${code}:${error.pointer}`;
  if (has(specific)) return t(specific);
  /** @param {unknown} v */
  const list = (v) => (Array.isArray(v) ? v.map(String) : []);
  switch (code) {
    case "wrong_type":
      return t("error.wrong_type", { expected: has(`expected.${p.expected}`) ? t(`expected.${p.expected}`) : p.expected });
    case "invalid_choice":
      return t("error.invalid_choice", { allowed: formatList(list(p.allowed).map((v) => (v === "none" ? t("level.none") : v)), "disjunction") });
    case "invalid_text":
      return t(p.reason === "replacement_character" ? "error.invalid_text:encoding" : p.reason === "question_marks" ? "error.invalid_text:question_marks" : "error.invalid_text");
    case "invalid_format":
      if (p.format === "csv") return t("error.invalid_format:csv", p);
      if (p.format === "phone") return t(p.seen === "leading_zero_lost" ? "error.invalid_format:phone_zero" : "error.invalid_format:phone");
      if (p.format === "password") return t("error.invalid_format:password");
      // A date as a coordinator's Excel wrote it: what it can mean.
      if (p.format === "date" && p.seen === "excel_serial") return t("error.invalid_format:date_excel", { readings: formatList(list(p.readings), "disjunction") });
      if (p.format === "date" && p.seen === "other_order" && list(p.readings).length) return t("error.invalid_format:date_order", { readings: formatList(list(p.readings), "disjunction") });
      if (p.format === "date" && p.seen === "other_digits" && list(p.readings).length) return t("error.invalid_format:date_digits", { readings: formatList(list(p.readings), "disjunction") });
      if (p.format === "time" && p.seen === "excel_serial" && list(p.readings).length) return t("error.invalid_format:time_excel", { readings: formatList(list(p.readings), "disjunction") });
      if (p.format === "time" && p.seen && list(p.readings).length) return t("error.invalid_format:time_reading", { readings: formatList(list(p.readings), "disjunction") });
      return t("error.invalid_format", { format: has(`format.${p.format}`) ? t(`format.${p.format}`) : p.format });
    case "unknown_field":
      // A CSV heading the import does not take: the ones it does.
      return list(p.allowed).length ? t("error.unknown_column", { allowed: list(p.allowed).join(", ") }) : t("error.unknown_field");
    case "unknown_skill":
      return list(p.closest).length ? t("error.unknown_skill_closest", { skill: p.skill, closest: formatList(list(p.closest), "disjunction") }) : t("error.unknown_skill", p);
    case "not_found":
      return t("error.not_found", { resource: has(`resource.${p.resource}`) ? t(`resource.${p.resource}`) : p.resource });
    case "taken":
      if (p.reason && has(`import.reason.${p.reason}`)) return t(`import.reason.${p.reason}`);
      return p.skill ? t("error.taken_skill", p) : t("error.taken");
    case "invalid_combination":
      return t("error.invalid_combination", { with: typeof p.with === "string" ? fieldName(p.with) : "" });
    default:
      return t(`error.${code}`, p);
  }
}

/**
 * The headline of a problem, from its type; the server's detail for a type
 * this console does not know.
 * @param {Problem | null | undefined} problem
 * @returns {string}
 */
export function problemText(problem) {
  if (!problem) return t("common.failed");
  const slug = (problem.type || "").split("/problems/")[1];
  if (slug && has(`problem.${slug}`)) return t(`problem.${slug}`);
  return problem.detail || problem.title || t("common.failed");
}
