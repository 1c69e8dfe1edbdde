Feature: The claims of the CrossFit Leiden hamstring article
  The 2017 article "Are your hamstrings causing you trouble?" (source S1) makes seven
  claims about weak inner hamstrings. The bundled pack encodes each one as coaching
  lore: it is heard, labelled as lore, and ranked below the evidence-based
  explanations unless several of the article's own signals agree.

  # C1: the three signals of weak inner hamstrings add up
  Scenario Outline: One, two or three of the article's signals
    Given an athlete reports "<first>"
    And the athlete's "<test>" is <value>
    And the athlete does "<activity>"
    When the report is triaged
    Then the confidence of "inner_hamstring_weakness" is at least <at_least>
    And the confidence of "inner_hamstring_weakness" is below <below>
    And the recommendations include "inner_hamstring_opener"
    And the triage level is "self_care"

    Examples: one signal reads possible, two likely, all three 0.784
      | first              | test                  | value | activity | at_least | below |
      | cannot_touch_floor | knee_to_wall_cm       | 13    | running  | 0.4      | 0.6   |
      | cannot_touch_floor | knee_to_wall_cm       | 6.5   | running  | 0.6      | 0.7   |
      | low_back_spasms    | fingertip_to_floor_cm | 12    | deadlift | 0.6      | 0.7   |

  Scenario: All three signals make weak inner hamstrings the likely cause
    Given an athlete reports "low_back_spasms" during "deadlift"
    And the athlete also reports "cannot_touch_floor"
    And the athlete's "knee_to_wall_cm" is 6.5
    When the report is triaged
    Then the likely cause is "inner_hamstring_weakness"
    And the confidence of "inner_hamstring_weakness" is at least 0.78
    And a possible cause is "nonspecific_lumbar_strain"
    And the recommendations include "inner_hamstring_opener"
    And the triage level is "self_care"
    And rule "article_hinge_back_spasms" fired
    And rule "article_failed_toe_touch" fired
    And rule "article_limited_ankle_bend" fired
    And rule "article_opener_for_inner_hamstrings" fired

  # C1: knee and hip trouble on their own count for little
  Scenario: Knee or hip pain alone is not enough to suggest weak inner hamstrings
    Given an athlete reports "hip_pain"
    Then rule "article_knee_or_hip_pain" fired
    And "inner_hamstring_weakness" is not suggested
    And no exercise is recommended

  # C2: letting the "external chain" run the hinge leads to back spasms
  Scenario: Back spasms when swinging kettlebells
    Given an athlete reports "back spasms" during "kettlebell swing"
    When the report is triaged
    Then a possible cause is "inner_hamstring_weakness"
    And the confidence of "inner_hamstring_weakness" is below 0.6
    And the likely cause is "nonspecific_lumbar_strain"
    And rule "article_hinge_back_spasms" fired
    And the recommendations include "load_and_technique_review"

  Scenario: Back pain when hinging, without spasms
    Given an athlete reports "low_back_pain_when_hinging"
    Then rule "article_hinge_back_spasms" fired
    And the likely cause is "nonspecific_lumbar_strain"
    And a possible cause is "inner_hamstring_weakness"

  # C3: the external chain locks the SI joints and makes you lift with the back
  Scenario: Lifting with the lower back
    Given an athlete reports "lifts_with_lower_back"
    Then rule "article_lifting_with_the_back" fired
    And a possible cause is "external_torque_chain_dominance"
    And the confidence of "external_torque_chain_dominance" is below 0.6
    And a possible cause is "hinge_motor_control_deficit"
    And the recommendations include "hip_hinge_drill"
    And the recommendations include "inner_hamstring_opener"
    And rule "article_opener_for_torque_chain" fired

  # C4: deadlifting with the back builds "shark fins" that cause spasms
  Scenario: Prominent lower-back muscles on their own are weak evidence
    Given an athlete reports "prominent_lumbar_erectors"
    Then rule "article_shark_fins" fired
    And "external_torque_chain_dominance" is not suggested
    And nothing is recommended

  Scenario: Shark fins and lifting with the back together
    Given an athlete reports "prominent_lumbar_erectors"
    And the athlete also reports "lifts_with_lower_back"
    Then rule "article_shark_fins" fired
    And the confidence of "external_torque_chain_dominance" is at least 0.5
    And the confidence of "external_torque_chain_dominance" is below 0.6

  # C5: a weak hamstring is a short hamstring; the failed toe touch reveals it
  Scenario: A failed toe touch
    Given an athlete reports "cannot_touch_floor"
    Then rule "article_failed_toe_touch" fired
    And a possible cause is "inner_hamstring_weakness"
    And the recommendations include "inner_hamstring_opener"
    And the recommendations include "toe_touch_breakout_tests"

  Scenario: A failed toe touch with a low passive leg raise
    Given the athlete's "fingertip_to_floor_cm" is 15
    And the athlete's "passive_straight_leg_raise_deg" is 60
    Then rule "article_weak_hamstrings_are_short" fired
    And rule "article_opener_for_short_hamstrings" fired
    And a possible cause is "hamstring_shortening"
    And a possible cause is "limited_hamstring_extensibility"
    And the recommendations include "romanian_deadlift"

  # C6: weak inner hamstrings make the calves compensate and limit the ankle;
  #     the article says calf stretching is not needed, the evidence disagrees
  Scenario: Tight calves
    Given an athlete reports "tight_calves"
    Then rule "article_calf_compensation" fired
    And rule "article_opener_for_calves" fired
    And a possible cause is "calf_compensation"
    And a possible cause is "calf_tightness"
    And the recommendations include "inner_hamstring_opener"
    And the recommendations include "calf_stretch"

  Scenario: Limited ankle bend on the knee-to-wall test
    Given the athlete's "knee_to_wall_cm" is 8
    Then rule "article_limited_ankle_bend" fired
    And rule "article_calf_compensation" fired
    And the confidence of "calf_compensation" is below 0.6
    And the recommendations include "calf_stretch"

  # C7: the opener builds strength through range and lowers strain risk
  Scenario: Measured hamstring weakness
    Given the athlete's "single_leg_bridge_reps" is 15
    Then rule "article_measured_hamstring_weakness" fired
    And a possible cause is "inner_hamstring_weakness"
    And a possible cause is "hamstring_strain_risk"
    And rule "article_opener_against_strains" fired
    And the recommendations include "nordic_hamstring_curl"
    And the recommendations include "inner_hamstring_opener"

  # The article's advice for runners, squatters, double-unders and hinging: the opener
  # (kettlebell or barbell). It is offered next to the evidence-based drills, not instead.
  Scenario Outline: The opener is offered whatever the athlete trains
    Given an athlete reports "cannot_touch_floor" during "<activity>"
    And the athlete also reports "tight_calves"
    Then the recommendations include "inner_hamstring_opener"
    And the recommendations include "calf_stretch"
    And the confidence of "inner_hamstring_weakness" is below 0.6
    And the triage level is "self_care"

    Examples:
      | activity         |
      | running          |
      | squat            |
      | double_unders    |
      | kettlebell_swing |
      | deadlift         |

  Scenario: Hamstrings that feel tight count a little towards "short hamstrings", too little to list alone
    Given an athlete reports "tight_hamstrings"
    Then rule "article_tight_means_short" fired
    And "hamstring_shortening" is not suggested
    And no cause is suggested
