"""Rules 16-21 (source/rules/reports.py): what the reports of execution and closing may
say, each broken rule located at its line with the fix."""

from __future__ import annotations

from example_project import ExampleProject, assert_located, only

from generator.errors import Level
from generator.source.model import Measurement

GATE_EFFORT = "      effort: {days: 47, invoiced: 39900}"
FIRST_EFFORT = "      effort: {days: 23, invoiced: 12600}"
CLOSING_DAYS = "    days: 94.5\n"


# --------------------------------------------------------------------------- rule 16: effort

def test_rule14_effort_never_decreases_between_reports(example: ExampleProject) -> None:
    example.edit(GATE_EFFORT, "      effort: {days: 20, invoiced: 39900}")
    error = only(example.errors(), "days 20 is less than 23")
    assert_located(error, example.yaml, example.line_of("effort: {days: 20"),
                   "at the evaluation of 2027-02-19", "cumulative since the start")


def test_rule14_closing_effort_never_below_the_last_report(example: ExampleProject) -> None:
    example.edit("    invoiced: 99225\n", "    invoiced: 30000\n")
    error = only(example.errors(), "invoiced 30000 is less than 39900")
    assert_located(error, example.yaml, example.line_of("    invoiced: 30000"),
                   "the evaluation of 2027-04-02", "give the total to date")


def test_rule14_a_projection_over_the_estimate_warns_naming_the_evaluation(
        example: ExampleProject) -> None:
    # 40 days when 24 % of the period has passed: 166 days projected against 93,5 estimated
    example.edit(FIRST_EFFORT, "      effort: {days: 40, invoiced: 12600}")
    example.edit(GATE_EFFORT, "      effort: {days: 50, invoiced: 39900}")  # back on course
    warning = only(example.warnings(), "projection at completion")
    assert warning.level is Level.WARNING
    assert_located(warning, example.yaml, example.line_of("effort: {days: 40"),
                   "evaluation of 2027-02-19", "166 days", "estimate of 93.5 days",
                   "terms.estimated_days")


def test_rule14_a_change_amending_the_estimate_answers_the_projection(
        example: ExampleProject) -> None:
    example.edit(FIRST_EFFORT, "      effort: {days: 40, invoiced: 12600}")
    example.edit(GATE_EFFORT, "      effort: {days: 60, invoiced: 39900}")
    example.edit("        milestones.M2.due: 2027-03-26\n",
                 "        milestones.M2.due: 2027-03-26\n        terms.estimated_days: 160\n")
    assert not [w for w in example.warnings() if "projection" in w.message]


def test_rule14_within_ten_percent_is_no_warning(example: ExampleProject) -> None:
    # 24 days at 24 %: 99,5 projected, under 93,5 x 1.1 (25 days would be 103,5: over)
    example.edit(FIRST_EFFORT, "      effort: {days: 24, invoiced: 12600}")
    assert not [w for w in example.warnings() if "projection" in w.message]


# --------------------------------------------------------------------------- rule 17: dates

def test_rule15_a_progress_measurement_covering_days_after_the_report(
        example: ExampleProject) -> None:
    example.edit('D1: {value: "3,1 %", measured: 2027-01-31',
                 'D1: {value: "3,1 %", measured: 2027-02-28')
    error = only(example.errors(), "cannot be known")
    assert_located(error, example.yaml, example.line_of("measured: 2027-02-28"),
                   "D1 covers up to 2027-02-28", "a figure up to 28 February 2027 cannot be "
                   "known on 19 February 2027", "on or before 2027-02-19")


def test_rule15_a_handover_result_covering_days_after_its_date(example: ExampleProject) -> None:
    example.edit("      measured: 2027-05-31       # the last day",
                 "      measured: 2027-06-30       # the last day")
    error = only(example.errors(), "cannot be known")
    assert_located(error, example.yaml, example.line_of("measured: 2027-06-30"),
                   "a figure up to 30 June 2027 cannot be known on 25 June 2027",
                   "handover report's date 2027-06-25")


def test_rule15_a_measurement_may_be_the_value_alone(example: ExampleProject) -> None:
    example.edit('D1: {value: "3,1 %", measured: 2027-01-31, note: januari}', 'D1: "3,1 %"')
    entry = example.load().assignment.execution.progress[0]
    assert entry.measurements["D1"] == Measurement(value="3,1 %")


def test_rule17_a_criterion_may_be_a_sentence_yaml_reads_as_a_pair(
        example: ExampleProject) -> None:
    example.edit("      - {id: X2, text: Opvolger aangesteld en ingewerkt}",
                 "      - Opvolger aangesteld (let op: ingewerkt)")
    example.cut("    X2:\n", "  effort:  ")
    criteria = example.load().assignment.intake.exit_plan.criteria
    assert criteria[1].text == "Opvolger aangesteld (let op: ingewerkt)"


def test_rule15_a_bad_measured_date_is_located(example: ExampleProject) -> None:
    example.edit("measured: 2027-01-31, note: januari}   #", "measured: 31-01-2027}   #")
    error = only(example.errors(), "measured")
    assert error.location.line == example.line_of("measured: 31-01-2027")


# --------------------------------------------------------------------------- rule 18: gates

def test_rule16_a_phase_gate_without_decision_warns_at_its_entry(
        example: ExampleProject) -> None:
    example.cut("      gate: go_with_conditions\n", "      milestones:\n        M2: done")
    warning = only(example.warnings(), "phase gate")
    assert warning.level is Level.WARNING
    assert_located(warning, example.yaml, example.line_of("- evaluation: 2027-04-02"),
                   "takes no decision", "will not build", "`gate: go`")


def test_rule16_a_gate_on_an_evaluation_that_is_no_phase_gate(example: ExampleProject) -> None:
    example.edit("      status: at_risk ", "      gate: go\n      status: at_risk ")
    error = only(example.errors(), "is no phase gate")
    assert_located(error, example.yaml, example.line_of("      gate: go\n"),
                   "kind: phase_gate")


def test_rule16_go_with_conditions_names_them(example: ExampleProject) -> None:
    example.cut("      conditions:\n", "      milestones:\n        M2: done")
    error = only(example.errors(), "names no conditions")
    assert_located(error, example.yaml, example.line_of("gate: go_with_conditions"),
                   "`conditions:`")


def test_rule16_an_agreed_evaluation_without_report(example: ExampleProject) -> None:
    example.cut("    - evaluation: 2027-04-02", "  changes:")
    warning = only(example.warnings(), "has no report")
    assert warning.level is Level.WARNING
    assert_located(warning, example.yaml, example.line_of("- date: 2027-04-02"),
                   "the evaluation of 2 April 2027 (phase gate) has no report",
                   "`evaluation: 2027-04-02`")


def test_rule16_evaluations_after_the_last_report_need_none_before_the_closing(
        example: ExampleProject) -> None:
    """Before the closing, an evaluation still to come asks for nothing."""
    example.cut("    - evaluation: 2027-04-02", "  changes:")
    example.cut("# ---- Phase 4")
    assert not [w for w in example.warnings() if "has no report" in w.message]


# --------------------------------------------------------------------------- rule 19: exit

def test_rule17_a_criterion_without_verdict_warns(example: ExampleProject) -> None:
    example.cut("    X2:\n", "  effort:  ")
    warning = only(example.warnings(), "exit criterion X2 has no verdict")
    assert_located(warning, example.yaml, example.line_of("  exit_criteria:"),
                   "will not build", "`closing.exit_criteria.X2: {status: met}`")


def test_rule17_a_verdict_for_an_unknown_criterion(example: ExampleProject) -> None:
    example.edit("    X2:\n      status: met", "    X3:\n      status: met")
    errors = example.errors()
    error = only(errors, "unknown exit criterion 'X3'")
    assert_located(error, example.yaml, example.line_of("    X3:"), "did you mean 'X2'?")


def test_rule17_a_criterion_without_id_cannot_be_tested(example: ExampleProject) -> None:
    example.edit("      - {id: X2, text: Opvolger aangesteld en ingewerkt}",
                 "      - Opvolger aangesteld en ingewerkt")
    example.cut("    X2:\n", "  effort:  ")
    warning = only(example.warnings(), "has no id")
    assert_located(warning, example.yaml, example.line_of("- Opvolger aangesteld"),
                   "the handover cannot test it", "{id: X1, text: ...}")
    criteria = example.load().assignment.intake.exit_plan.criteria
    assert [(c.id, c.text) for c in criteria][1] == (None, "Opvolger aangesteld en ingewerkt")


def test_rule17_duplicate_criterion_ids(example: ExampleProject) -> None:
    example.edit("{id: X2, text: Opvolger", "{id: X1, text: Opvolger")
    errors = example.errors()
    error = only(errors, "duplicate id 'X1'")
    assert error.location.line == example.line_of("{id: X1, text: Opvolger")


def test_rule17_a_successor_starting_after_the_end(example: ExampleProject) -> None:
    example.edit("      start: 2027-06-14 ", "      start: 2027-07-01 ")
    warning = only(example.warnings(), "no overlap for the handover")
    assert_located(warning, example.yaml, example.line_of("start: 2027-07-01"),
                   "after the assignment ends on 2027-06-25")


# --------------------------------------------------------------------------- rule 20: gaps

def test_rule18_a_proposal_without_profile_or_approach_warns(example: ExampleProject) -> None:
    example.cut("    profile: |", "  - id: jpeeters")
    example.cut("  approach: |", "  success_factors:")
    warnings = example.warnings()
    profile = only(warnings, "no interim manager profile")
    assert_located(profile, example.yaml, example.line_of("- id: lvermeulen"),
                   "add `profile:` to lvermeulen")
    approach = only(warnings, "the proposal has no approach")
    assert_located(approach, example.yaml, example.line_of("intake:"), "`intake.approach`")


def test_rule18_a_handover_without_summary_or_effort_warns(example: ExampleProject) -> None:
    example.cut("  summary: |                     # optional Markdown: the report's",
                "  milestones:                    #")
    example.cut("  effort:  ", "  open_items:")
    warnings = example.warnings()
    for key in ("summary", "effort"):
        warning = only(warnings, f"the handover report has no {key}")
        assert_located(warning, example.yaml, example.line_of("closing:"),
                       f"add `closing.{key}`")


def test_rule18_a_progress_report_without_next_steps_warns(example: ExampleProject) -> None:
    example.cut("      next_steps:\n        - Opleiding terugkeergesprekken", "  changes:")
    warning = only(example.warnings(), "has no next steps")
    assert_located(warning, example.yaml, example.line_of("- evaluation: 2027-04-02"),
                   "the progress report of 2027-04-02", "`next_steps:`")


# --------------------------------------------------------------------------- rule 21

def test_rule19_a_result_judged_partial_that_meets_its_target(example: ExampleProject) -> None:
    example.edit('      value: "6,1 %"', '      value: "4,8 %"')
    warning = only(example.warnings(), "meets the target")
    assert_located(warning, example.yaml, example.line_of("status: partial"),
                   "D2 is judged partial, but its value 4,8 % meets the target ≤ 5 %",
                   "`status: met`")


def test_rule19_the_amended_target_is_the_one_met(example: ExampleProject) -> None:
    # D2 at 6,1 %: not the target as proposed (≤ 5 %), but the target W1 amends it to
    example.edit("        milestones.M2.due: 2027-03-26\n",
                 '        milestones.M2.due: 2027-03-26\n        objectives.D2.target: "≤ 6,5 %"\n')
    warning = only(example.warnings(), "meets the target")
    assert "target ≤ 6,5 %" in warning.message


def test_rule19_a_deadline_kept_is_a_target_met(example: ExampleProject) -> None:
    """D3's target names a day ("op 14 juni 2027"); its result names the same day: judged
    partly met, it contradicts itself (Northwind's F2 was so, signed on the amended date)."""
    example.edit("objective: D3\n      status: met", "objective: D3\n      status: partial")
    warning = only(example.warnings(), "meets the target")
    assert_located(warning, example.yaml, example.line_of("status: partial", 2),
                   "D3 is judged partial, but its value Jan Peeters leidt de afdeling sinds "
                   "14 juni 2027 meets the target Opvolger neemt de leiding over op 14 juni 2027",
                   "`status: met`")


def test_rule19_a_deadline_missed_or_a_target_moved_later(example: ExampleProject) -> None:
    example.edit("objective: D3\n      status: met", "objective: D3\n      status: partial")
    example.edit("sinds 14 juni 2027", "sinds 1 juli 2027")  # a day after the target's
    assert not [w for w in example.warnings() if "meets the target" in w.message]
    # a change moving the target later makes the same day a target met
    example.edit("        milestones.M2.due: 2027-03-26\n",
                 "        milestones.M2.due: 2027-03-26\n"
                 "        objectives.D3.target: Opvolger neemt de leiding over op 1 juli 2027\n")
    warning = only(example.warnings(), "meets the target")
    assert "meets the target Opvolger neemt de leiding over op 1 juli 2027" in warning.message


def test_rule19_a_transfer_due_after_the_end(example: ExampleProject) -> None:
    example.edit("      due: 2027-06-25            # a transfer",
                 "      due: 2027-07-09            # a transfer")
    warning = only(example.warnings(), "knowledge transfer is due 2027-07-09")
    assert_located(warning, example.yaml, example.line_of("due: 2027-07-09"),
                   "after the assignment ends on 2027-06-25", "open item")


# --------------------------------------------------------------------------- rule 22: risks

def test_rule22_an_update_of_an_unknown_risk_is_located_with_a_suggestion(
        example: ExampleProject) -> None:
    example.edit("        R2: {status: open,", "        R3: {status: open,")
    error = only(example.errors(), "unknown risk 'R3'")
    assert_located(error, example.yaml, example.line_of("        R3: {status"),
                   "amended up to 2027-04-02", "did you mean 'R2'?")


def test_rule22_risk_ids_are_unique(example: ExampleProject) -> None:
    example.edit("    - id: R2\n", "    - id: R1\n")
    error = only(example.errors(), "duplicate id 'R1'")
    assert_located(error, example.yaml, example.line_of("    - id: R1\n"), "analysis.risks")


# ------------------------------------------------ word for word (source/rules/reports.py)
# What the user reads, whole: level, line and column, message and hint, so that a changed
# word, a lost hint, a key moved on its line or a boundary moved by a day fails.

def said(example: ExampleProject, *about: str) -> list[tuple[str, int, int, str, str]]:
    """Every diagnostic (level, line, column, message, hint) in the order found; with
    `about`, those whose message holds one of these words."""
    return [(d.level.value, d.location.line, d.location.column, d.message, d.hint)
            for d in example.report().diagnostics
            if not about or any(word in d.message for word in about)]


CUMULATIVE = "effort is cumulative since the start: give the total to date"
AGREE = ("agree a change amending the estimate (`amends: {terms.estimated_days: ...}`), or "
         "explain the overrun in the report")


def test_rule14_both_figures_decreasing_each_at_its_key(example: ExampleProject) -> None:
    example.edit(GATE_EFFORT, "      effort: {days: 20, invoiced: 10000}")
    line = example.line_of("effort: {days: 20")
    assert said(example) == [
        ("error", line, 16, "days 20 is less than 23 at the evaluation of 2027-02-19", CUMULATIVE),
        ("error", line, 26, "invoiced 10000 is less than 12600 at the evaluation of 2027-02-19",
         CUMULATIVE)]


def test_rule14_the_same_effort_again_and_a_closing_without_invoice_pass(
        example: ExampleProject) -> None:
    """Nothing done between two reports is no decrease; a figure left out is not compared."""
    example.edit(GATE_EFFORT, "      effort: {days: 23, invoiced: 12600}")
    example.edit("    days: 94.5\n    invoiced: 99225\n", "    days: 23\n")
    assert example.load().assignment.closing.effort.invoiced is None
    assert said(example) == []


def test_rule14_reports_are_compared_in_date_order_not_as_listed(
        example: ExampleProject) -> None:
    text = example.text
    first = text.index("    - evaluation: 2027-02-19")
    gate = text.index("    - evaluation: 2027-04-02")
    end = text.index("  changes:")
    example.write(text[:first] + text[gate:end] + text[first:gate] + text[end:])
    assert [p.evaluation.isoformat() for p in example.load().assignment.execution.progress] \
        == ["2027-04-02", "2027-02-19"]
    assert said(example) == []


def test_rule14_a_report_without_effort_leaves_the_next_one_checked(
        example: ExampleProject) -> None:
    example.edit(FIRST_EFFORT + "   # cumulative since the start, excl. VAT\n", "")
    example.edit(GATE_EFFORT, "      effort: {days: 80, invoiced: 39900}")
    assert said(example) == [
        ("warning", example.line_of("effort: {days: 80"), 16, "at the evaluation of 2027-04-02 "
         "the projection at completion is 162 days, more than 10 % over the estimate of "
         "93.5 days", AGREE)]


def test_rule15_late_figures_word_for_word(example: ExampleProject) -> None:
    example.edit('D1: {value: "3,1 %", measured: 2027-01-31',
                 'D1: {value: "3,1 %", measured: 2027-02-20')
    example.edit("      measured: 2027-05-31       # the last day",
                 "      measured: 2027-06-26       # the last day")
    closed = "(a month not closed yet: report the last closed month)"
    assert said(example) == [
        ("error", example.line_of("measured: 2027-02-20"), 30,
         "the figure of D1 covers up to 2027-02-20, after the progress report's date "
         "2027-02-19: a figure up to 20 February 2027 cannot be known on 19 February 2027",
         f"give the last day the figure covers, on or before 2027-02-19 {closed}"),
        ("error", example.line_of("measured: 2027-06-26"), 7,
         "the figure of D1 covers up to 2027-06-26, after the handover report's date "
         "2027-06-25: a figure up to 26 June 2027 cannot be known on 25 June 2027",
         f"give the last day the figure covers, on or before 2027-06-25 {closed}")]


def test_rule15_a_figure_up_to_the_reports_own_day_passes(example: ExampleProject) -> None:
    example.edit('D1: {value: "3,1 %", measured: 2027-01-31',
                 'D1: {value: "3,1 %", measured: 2027-02-19')
    example.edit("      measured: 2027-05-31       # the last day",
                 "      measured: 2027-06-25       # the last day")
    assert said(example) == []


def test_rule16_gates_word_for_word(example: ExampleProject) -> None:
    example.cut("      conditions:\n", "      milestones:\n        M2: done")
    example.edit("      status: at_risk ", "      gate: go\n      status: at_risk ")
    assert said(example) == [
        ("error", example.line_of("      gate: go\n"), 7,
         "the evaluation of 2027-02-19 is no phase gate",
         "remove `gate:`, or agree the evaluation as `kind: phase_gate`"),
        ("error", example.line_of("gate: go_with_conditions"), 7,
         "`go_with_conditions` names no conditions",
         "add `conditions:` with one item per condition")]
    example.cut("      gate: go_with_conditions\n", "      milestones:\n        M2: done")
    assert said(example, "takes no decision") == [
        ("warning", example.line_of("- evaluation: 2027-04-02"), 7,
         "the evaluation of 2027-04-02 is a phase gate and its report takes no decision; that "
         "progress report will not build",
         "add `gate: go`, `go_with_conditions` (with `conditions:`) or `stop`")]


def test_rule16_an_evaluation_a_change_adds_has_its_report_asked_for(
        example: ExampleProject) -> None:
    """Not written under `analysis.evaluations`: the warning stands at the reports."""
    example.edit("        milestones.M2.due: 2027-03-26\n",
                 "        milestones.M2.due: 2027-03-26\n      adds:\n        evaluations:\n"
                 "          - date: 2027-03-05\n            kind: progress\n"
                 "            participants: [gdewit]\n")
    assert said(example) == [
        ("warning", example.line_of("  progress:"), 3,
         "the evaluation of 5 March 2027 (progress) has no report",
         "add an `execution.progress` entry with `evaluation: 2027-03-05`, or move the "
         "evaluation by a change if it was not held")]


def test_rule16_an_evaluation_on_the_day_of_the_handover_needs_no_report_of_its_own(
        example: ExampleProject) -> None:
    example.edit("  evaluation_session:\n    date: 2027-06-25",
                 "  evaluation_session:\n    date: 2027-06-24")
    example.edit("    - date: 2027-06-25\n      kind: final",
                 "    - date: 2027-06-24\n      kind: progress\n      participants: [gdewit]\n"
                 "    - date: 2027-06-25\n      kind: final")
    assert said(example) == []


def test_rule17_criteria_without_id_word_for_word(example: ExampleProject) -> None:
    example.edit('      - {id: X1, text: "Leveringsfouten drie maanden op rij ≤ 1,5 %"}',
                 "      - Leveringsfouten drie maanden op rij ≤ 1,5 %")
    example.edit("      - {id: X2, text: Opvolger aangesteld en ingewerkt}",
                 "      - Opvolger aangesteld en ingewerkt")
    no_id = ("this exit criterion has no id: the handover cannot test it",
             "write it as `{id: X1, text: ...}` and give its verdict in `closing.exit_criteria`")
    give = "give the criterion an id: `{id: X1, text: ...}`"
    assert said(example) == [
        ("error", example.line_of("    X1:"), 5, "unknown exit criterion 'X1'", give),
        ("error", example.line_of("    X2:"), 5, "unknown exit criterion 'X2'", give),
        ("warning", example.line_of("- Leveringsfouten"), 9, *no_id),
        ("warning", example.line_of("- Opvolger aangesteld"), 9, *no_id)]


def test_rule17_no_verdict_at_all_is_said_at_the_closing(example: ExampleProject) -> None:
    example.cut("  exit_criteria:", "  effort:  ")
    assert said(example) == [
        ("warning", example.line_of("closing:"), 1,
         f"exit criterion {x} has no verdict; the handover report will not build",
         f"set `closing.exit_criteria.{x}: {{status: met}}` or `not_met`, with `evidence:`")
        for x in ("X1", "X2")]


def test_rule17_a_successor_starting_on_the_last_day_overlaps(example: ExampleProject) -> None:
    example.edit("      start: 2027-06-14 ", "      start: 2027-06-25 ")
    assert said(example) == []
    example.edit("      start: 2027-06-25 ", "      start: 2027-06-26 ")
    assert said(example) == [
        ("warning", example.line_of("start: 2027-06-26"), 7,
         "the successor starts on 2027-06-26, after the assignment ends on 2027-06-25: no "
         "overlap for the handover", "plan the start on or before the end, or extend the period")]


def test_rule18_gaps_word_for_word(example: ExampleProject) -> None:
    example.cut("    profile: |", "  - id: jpeeters")
    example.cut("  approach: |", "  success_factors:")
    example.cut("  summary: |                     # optional Markdown: the report's",
                "  milestones:                    #")
    example.cut("  effort:  ", "  open_items:")
    closing = example.line_of("closing:")
    assert said(example) == [
        ("warning", example.line_of("- id: lvermeulen"), 5,
         "the proposal has no interim manager profile", "add `profile:` to lvermeulen in `people`"),
        ("warning", example.line_of("intake:"), 1, "the proposal has no approach",
         "add `intake.approach`"),
        ("warning", closing, 1, "the handover report has no summary", "add `closing.summary`"),
        ("warning", closing, 1, "the handover report has no effort", "add `closing.effort`")]


def test_rule18_an_unknown_interim_manager_is_one_error_not_a_gap(
        example: ExampleProject) -> None:
    example.edit("interim_manager: lvermeulen", "interim_manager: lvermeulem")
    assert said(example) == [
        ("error", example.line_of("interim_manager: lvermeulem"), 1,
         "unknown person 'lvermeulem' in `interim_manager`", "did you mean 'lvermeulen'?")]


def test_rule19_word_for_word_and_the_last_day_passes(example: ExampleProject) -> None:
    example.edit('      value: "6,1 %"', '      value: "4,8 %"')
    example.edit("      due: 2027-06-25            # a transfer",
                 "      due: 2027-06-26            # a transfer")
    assert said(example) == [
        ("warning", example.line_of("status: partial"), 7,
         "D2 is judged partial, but its value 4,8 % meets the target ≤ 5 %",
         "set `status: met`, or correct the value"),
        ("warning", example.line_of("due: 2027-06-26"), 7,
         "the knowledge transfer is due 2027-06-26, after the assignment ends on 2027-06-25",
         "plan it before the end, or hand it over as an open item with its new owner")]


def test_rule22_updates_of_risks_without_ids_word_for_word(example: ExampleProject) -> None:
    example.edit("    - id: R1                     # optional: lets a progress entry update "
                 "the risk\n      risk:", "    - risk:")
    example.edit("    - id: R2\n      risk:", "    - risk:")
    give = "give the risk an id in `analysis.risks`: `- id: R1`"
    assert said(example) == [
        ("error", example.line_of("        R1: {status"), 9,
         "unknown risk 'R1' in the plan as amended up to 2027-04-02", give),
        ("error", example.line_of("        R2: {status"), 9,
         "unknown risk 'R2' in the plan as amended up to 2027-04-02", give)]


def test_rule14_a_later_change_of_the_estimate_does_not_answer_an_earlier_report(
        example: ExampleProject) -> None:
    """The report of 19 February measured against the estimate of that day; W2 of 14 June
    re-estimating does not undo what that report said."""
    example.edit(FIRST_EFFORT, "      effort: {days: 40, invoiced: 12600}")
    example.edit(GATE_EFFORT, "      effort: {days: 50, invoiced: 39900}")
    example.edit("        people.jpeeters.role: Logistiek manager",
                 "        people.jpeeters.role: Logistiek manager\n"
                 "        terms.estimated_days: 160")
    assert said(example) == [
        ("warning", example.line_of("effort: {days: 40"), 16, "at the evaluation of 2027-02-19 "
         "the projection at completion is 166 days, more than 10 % over the estimate of "
         "93.5 days", AGREE)]


def test_rule14_a_change_amending_the_estimate_answers_the_projection_even_if_still_over(
        example: ExampleProject) -> None:
    """The estimate was agreed again: the overrun is known to both sides, not a surprise."""
    example.edit(FIRST_EFFORT, "      effort: {days: 40, invoiced: 12600}")
    example.edit(GATE_EFFORT, "      effort: {days: 60, invoiced: 39900}")
    example.edit("        milestones.M2.due: 2027-03-26\n",
                 "        milestones.M2.due: 2027-03-26\n        terms.estimated_days: 100\n")
    assert said(example, "projection") == []  # 166 days projected: over 100 by 66 %


def test_rule16_a_gate_is_judged_by_the_plan_of_its_day(example: ExampleProject) -> None:
    """W2 of 14 June makes the evaluation of 2 April a progress one: the report of that day
    was a phase gate's, and its decision stands."""
    example.edit("        people.jpeeters.role: Logistiek manager",
                 "        people.jpeeters.role: Logistiek manager\n"
                 "        evaluations.2027-04-02.kind: progress")
    assert said(example, "phase gate") == []


def test_reports_without_a_plan_are_refused_not_crashed_on(example: ExampleProject) -> None:
    """Reports and changes written with no `analysis:`: each fault said, nothing raised."""
    example.cut("# ---- Phase 2", "# ---- Phase 3")
    assert said(example, "phase gate", "has no report", "unknown risk") == [
        ("error", example.line_of("gate: go_with_conditions"), 7,
         "the evaluation of 2027-04-02 is no phase gate",
         "remove `gate:`, or agree the evaluation as `kind: phase_gate`"),
        *[("error", example.line_of(f"        {risk}: {{status"), 9,
           f"unknown risk '{risk}' in the plan as amended up to 2027-04-02",
           "give the risk an id in `analysis.risks`: `- id: R1`") for risk in ("R1", "R2")]]


def test_rule16_a_missing_report_is_named_by_the_plan_of_the_last_report(
        example: ExampleProject) -> None:
    """Before the closing the last report (2 April) is where the plan is read: W2 of
    14 June re-labelling the evaluation of 5 March does not rename what was missed."""
    example.cut("# ---- Phase 4")
    example.edit("    - date: 2027-04-02\n      kind: phase_gate",
                 "    - date: 2027-03-05\n      kind: progress\n      participants: [gdewit]\n"
                 "    - date: 2027-04-02\n      kind: phase_gate")
    example.edit("        people.jpeeters.role: Logistiek manager",
                 "        people.jpeeters.role: Logistiek manager\n"
                 "        evaluations.2027-03-05.kind: phase_gate")
    assert said(example, "has no report") == [
        ("warning", example.line_of("- date: 2027-03-05"), 7,
         "the evaluation of 5 March 2027 (progress) has no report",
         "add an `execution.progress` entry with `evaluation: 2027-03-05`, or move the "
         "evaluation by a change if it was not held")]


def test_rule16_the_final_evaluation_is_reported_by_the_handover(
        example: ExampleProject) -> None:
    """A final evaluation a week before the closing session asks for no progress report:
    the handover report is its report."""
    example.edit("    - date: 2027-06-25\n      kind: final",
                 "    - date: 2027-06-18\n      kind: final")
    assert example.load().assignment.closing.evaluation_session.date.isoformat() == "2027-06-25"
    assert said(example, "has no report") == []


def test_rule17_no_verdict_in_an_empty_exit_criteria_is_said_there(
        example: ExampleProject) -> None:
    example.cut("  exit_criteria:", "  effort:  ")
    example.edit("  effort:  ", "  exit_criteria: {}\n  effort:  ")
    assert [line for _, line, *_ in said(example, "has no verdict")] == \
        [example.line_of("  exit_criteria: {}")] * 2
