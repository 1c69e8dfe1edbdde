Feature: Re-testing after the inner-hamstring opener
  The article's promise is testable: after a block of inner-hamstring openers the toe
  touch and the ankle bend should improve. A re-test compares two tests of the same
  athlete against each test's measurement error (the minimal detectable change, MDC:
  4.5 cm for the toe touch, 1.9 cm for the knee-to-wall test) and triages the second
  report with what changed. Other Given steps describe both reports; "now reports"
  adds something to the second one only.

  Scenario: The toe touch improves beyond its measurement error after the opener
    Given the athlete's "fingertip_to_floor_cm" was 12 before and is 5 after "inner_hamstring_opener"
    Then the change in "fingertip_to_floor_cm" is "improved"
    And a possible cause is "inner_hamstring_weakness"
    And rule "retest_opener_improved_toe_touch_or_ankle" fired
    And the recommendations include "inner_hamstring_opener"
    And the triage level is "self_care"

  Scenario: Normal values after the opener still list the article's idea as possible
    Given the athlete's "fingertip_to_floor_cm" was 6 before and is -2 after "inner_hamstring_opener"
    And the athlete's left "knee_to_wall_cm" was 8 before and is 12 after "inner_hamstring_opener"
    And the athlete's right "knee_to_wall_cm" was 9 before and is 12 after "inner_hamstring_opener"
    Then the change in "fingertip_to_floor_cm" is "improved"
    And the change in "knee_to_wall_cm" is "improved"
    And the change in right "knee_to_wall_cm" is "improved"
    And a possible cause is "inner_hamstring_weakness"
    And the confidence of "inner_hamstring_weakness" is below 0.6
    And rule "article_failed_toe_touch" did not fire
    And rule "article_limited_ankle_bend" did not fire

  Scenario: One side improves, the worse side does not
    Given the athlete's left "knee_to_wall_cm" was 6 before and is 9 after "inner_hamstring_opener"
    And the athlete's right "knee_to_wall_cm" is 7
    Then the change in left "knee_to_wall_cm" is "improved"
    And the change in right "knee_to_wall_cm" is "no_real_change"
    And the change in "knee_to_wall_cm" is "no_real_change"
    And rule "retest_ankle_unchanged_breakouts" fired
    And the recommendations include "ankle_breakout_tests"

  Scenario Outline: A change exactly at the MDC is not a real change
    Given the athlete's "fingertip_to_floor_cm" was <before> before and is <after> after "inner_hamstring_opener"
    Then the change in "fingertip_to_floor_cm" is "<verdict>"

    Examples:
      | before | after | verdict        |
      | 12     | 7.5   | no_real_change |
      | 12     | 7.4   | improved       |
      | 12     | 16.5  | no_real_change |
      | 12     | 16.6  | worse          |

  Scenario: No real change after the opener lowers the article's idea and points to the other causes
    Given an athlete reports "low_back_spasms" during "deadlift"
    And the athlete's "fingertip_to_floor_cm" was 12 before and is 10 after "inner_hamstring_opener"
    And the athlete's "knee_to_wall_cm" was 6.5 before and is 7.5 after "inner_hamstring_opener"
    Then the change in "fingertip_to_floor_cm" is "no_real_change"
    And the change in "knee_to_wall_cm" is "no_real_change"
    And rule "retest_opener_no_real_change" fired
    And rule "retest_toe_touch_unchanged_breakouts" fired
    And the confidence of "inner_hamstring_weakness" is below 0.784
    And the recommendations include "toe_touch_breakout_tests"
    And the recommendations include "ankle_breakout_tests"
    And the recommendations include "calf_stretch"

  Scenario: A real loss of range is a new finding
    Given the athlete's left "passive_straight_leg_raise_deg" was 80 before and is 62 now
    And the athlete's right "passive_straight_leg_raise_deg" is 78
    Then the change in left "passive_straight_leg_raise_deg" is "worse"
    And rule "retest_measurement_worse" fired
    And the triage level is "modify_training"

  Scenario: The toe touch gets worse after the opener: stop the opener
    Given an athlete reports "low_back_spasms" during "deadlift"
    And the athlete's "fingertip_to_floor_cm" was 8 before and is 15 after "inner_hamstring_opener"
    Then the change in "fingertip_to_floor_cm" is "worse"
    And rule "retest_worse_after_opener" fired
    And "inner_hamstring_opener" is blocked
    And the recommendations do not include "inner_hamstring_opener"
    And the triage level is at least "modify_training"

  Scenario: New leg pain withholds the opener even though the toe touch improved
    Given the athlete's "fingertip_to_floor_cm" was 12 before and is 5 after "inner_hamstring_opener"
    And the athlete now reports "leg_pain_below_knee"
    Then the change in "fingertip_to_floor_cm" is "improved"
    And the recommendations do not include "inner_hamstring_opener"
    And a possible cause is "neural_mechanosensitivity"

  Scenario: A red flag in the re-test wins over any improvement
    Given the athlete's "fingertip_to_floor_cm" was 12 before and is 5 after "inner_hamstring_opener"
    And the athlete now reports "saddle_numbness"
    Then the triage level is "emergency"
    And no exercise is recommended
