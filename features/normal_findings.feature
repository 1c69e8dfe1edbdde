Feature: Normal findings stay quiet
  An athlete whose tests come out normal is not handed a cause or a drill, and the
  normal results count against the explanations they rule out.

  Scenario: Nothing reported
    Given the athlete does "running"
    When the report is triaged
    Then the triage level is "self_care"
    And no cause is suggested
    And nothing is recommended

  Scenario: Every field test within its normal range
    Given an athlete reports:
      | kind        | id                             | value |
      | activity    | deadlift                       |       |
      | activity    | running                        |       |
      | measurement | knee_to_wall_cm                | 13    |
      | measurement | passive_straight_leg_raise_deg | 85    |
      | measurement | active_straight_leg_raise_deg  | 80    |
      | measurement | fingertip_to_floor_cm          | -2    |
      | measurement | single_leg_bridge_reps         | 32    |
      | age         |                                | 34    |
    Then the triage level is "self_care"
    And no cause is suggested
    And nothing is recommended
    And rule "knee_to_wall_normal" fired
    And rule "leg_raise_normal" fired
    And rule "toe_touch_reached" fired
    And rule "good_bridge_endurance" fired

  Scenario: A normal knee-to-wall and no sprains rule out an ankle restriction
    Given the athlete's "knee_to_wall_cm" is 12.5
    And the athlete does not have "prior_ankle_sprain"
    Then rule "knee_to_wall_normal" fired
    And rule "no_ankle_sprain_history" fired
    And "ankle_joint_restriction" is not suggested
    And "calf_tightness" is not suggested
    And nothing is recommended

  Scenario: A normal passive leg raise outweighs a tight feeling
    Given an athlete reports "cannot_touch_floor"
    And the athlete's "passive_straight_leg_raise_deg" is 85
    Then "hamstring_shortening" is not suggested
    And "limited_hamstring_extensibility" is not suggested
    And the triage level is "self_care"

  Scenario: Good bridge endurance argues against weak hamstrings
    Given an athlete reports "knee_pain"
    And the athlete's "single_leg_bridge_reps" is 35
    Then "inner_hamstring_weakness" is not suggested
    And "hamstring_strain_risk" is not suggested
    And no exercise is recommended

  Scenario Outline: A normal result on its own suggests nothing
    Given the athlete's "<test>" is <value>
    Then no cause is suggested
    And nothing is recommended
    And the triage level is "self_care"

    Examples:
      | test                              | value |
      | knee_to_wall_cm                   | 14    |
      | fingertip_to_floor_cm             | 0     |
      | passive_straight_leg_raise_deg    | 90    |
      | active_straight_leg_raise_deg     | 75    |
      | single_leg_bridge_reps            | 25    |
      | nordic_force_n                    | 340   |
      | active_knee_extension_deficit_deg | 15    |
