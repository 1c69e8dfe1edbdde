Feature: Evidence-based explanations for the same complaints
  For every complaint the article explains with weak inner hamstrings, the pack also
  weighs the explanations research and clinical guidance support, and recommends what
  is known to help.

  # A. Low back when hinging
  Scenario: Back spasms away from the deadlift are non-specific back pain
    Given an athlete reports "low_back_spasms"
    And the athlete does "running"
    Then a possible cause is "nonspecific_lumbar_strain"
    And rule "lumbar_spasm_outside_hinging" fired
    And rule "lumbar_strain_advice" fired
    And "inner_hamstring_weakness" is not suggested
    And the recommendations include "load_and_technique_review"

  Scenario: A rounding back in the deadlift is a hinge control problem
    Given an athlete reports "my back rounds when I pull"
    Then rule "hinge_lumbar_rounding" fired
    And a possible cause is "hinge_motor_control_deficit"
    And rule "hinge_control_drills" fired
    And the recommendations include "hip_hinge_drill"

  Scenario: An active leg raise far below the passive one is control, not length
    Given the athlete's "active_straight_leg_raise_deg" is 50
    And the athlete's "passive_straight_leg_raise_deg" is 85
    Then rule "active_leg_raise_below_passive" fired
    And rule "failed_active_leg_raise" fired
    And rule "leg_raise_normal" fired
    And a possible cause is "hinge_motor_control_deficit"
    And "limited_hamstring_extensibility" is not suggested
    And the triage level is "modify_training"
    And "deadlift" is blocked
    And "romanian_deadlift" is blocked
    And "kettlebell_swing" is blocked
    And the recommendations include "hip_hinge_drill"

  # B. The failed toe touch
  Scenario: A failed toe touch asks for the break-out tests
    Given the athlete's "fingertip to floor" is 10
    Then rule "toe_touch_has_many_causes" fired
    And the recommendations include "toe_touch_breakout_tests"

  Scenario: A failed toe touch and a low passive leg raise point to hamstring length
    Given an athlete reports "cannot_touch_floor"
    And the athlete's "passive_straight_leg_raise_deg" is 62
    Then rule "toe_touch_with_low_leg_raise" fired
    And rule "hamstring_length_training" fired
    And a possible cause is "limited_hamstring_extensibility"
    And the recommendations include "romanian_deadlift"
    And the recommendations include "nordic_hamstring_curl"

  Scenario: The 90/90 test past the women's norm, confirmed by a failed toe touch
    Given an athlete reports:
      | kind        | id                                | value  |
      | symptom     | cannot_touch_floor                |        |
      | measurement | active_knee_extension_deficit_deg | 30     |
      | sex         |                                   | female |
    Then rule "knee_extension_test_over_norm" fired
    And rule "knee_extension_test_confirmed" fired
    And the likely cause is "limited_hamstring_extensibility"

  Scenario: The same 90/90 result is within the men's norm
    Given an athlete reports "cannot_touch_floor"
    And the athlete's "active_knee_extension_deficit_deg" is 30
    And the athlete is male
    Then rule "knee_extension_test_over_norm" did not fire
    And "limited_hamstring_extensibility" is not suggested

  Scenario: A positive slump test and leg pain below the knee point to a sensitive nerve
    Given an athlete reports "slump_positive"
    And the athlete also reports "leg_pain_below_knee"
    Then the likely cause is "neural_mechanosensitivity"
    And rule "slump_reproduces_symptoms" fired
    And rule "leg_pain_below_knee_nerve" fired
    And rule "nerve_sensitivity_care" fired
    And the recommendations include "nerve_sensitivity_advice"
    And no exercise is recommended

  # C. Limited ankle dorsiflexion
  Scenario: Stiff-feeling calves point to calf tightness
    Given an athlete reports "heels_rise_in_squat"
    Then rule "calves_feel_tight" fired
    And rule "calf_stretching" fired
    And a possible cause is "calf_tightness"
    And the recommendations include "calf_stretch"

  Scenario: A limited knee-to-wall after ankle sprains is the ankle joint
    Given an athlete reports:
      | kind        | id                 | value | side  |
      | measurement | knee_to_wall_cm    | 6     | left  |
      | measurement | knee_to_wall_cm    | 11    | right |
      | history     | prior_ankle_sprain |       |       |
    Then the likely cause is "ankle_joint_restriction"
    And rule "ankle_restriction_after_sprain" fired
    And rule "knee_to_wall_one_sided" fired
    And rule "ankle_joint_care" fired
    And the recommendations include "ankle_mobilisation"
    And the recommendations include "calf_stretch"

  Scenario: A stiff ankle after sprains may be a joint restriction
    Given an athlete reports "limited_ankle_dorsiflexion"
    And the athlete has a history of "prior_ankle_sprain"
    Then rule "ankle_stiff_after_sprain" fired
    And a possible cause is "ankle_joint_restriction"

  Scenario: A one-sided knee-to-wall loss is a finding of its own
    Given the athlete's left "knee_to_wall_cm" is 9
    And the athlete's right "knee_to_wall_cm" is 13
    Then rule "knee_to_wall_one_sided" fired
    And rule "knee_to_wall_limited" fired

  Scenario: A pinch at the front of the ankle is not a tight calf
    Given an athlete reports "anterior_ankle_pinch"
    Then a possible cause is "anterior_ankle_impingement"
    And rule "front_of_ankle_pinch" fired
    And rule "ankle_pinch_care" fired
    And the recommendations include "ankle_pinch_advice"
    And the recommendations do not include "calf_stretch"

  # D. Hamstring strain risk
  Scenario: A previous hamstring strain raises the risk of another
    Given the athlete has a history of "prior_hamstring_strain"
    Then a possible cause is "hamstring_strain_risk"
    And rule "previous_hamstring_strain" fired
    And rule "strain_risk_training" fired
    And the recommendations include "nordic_hamstring_curl"
    And the recommendations include "single_leg_bridge_test"

  Scenario: Low Nordic force and a previous strain make strain risk likely
    Given the athlete has a history of "prior_hamstring_strain"
    And the athlete's "nordic_force_n" is 220
    Then the likely cause is "hamstring_strain_risk"
    And rule "low_nordic_force" fired

  Scenario: Few single-leg bridges raise strain risk
    Given the athlete's "single_leg_bridge_reps" is 12
    Then rule "low_bridge_endurance" fired
    And a possible cause is "hamstring_strain_risk"

  Scenario: Back-of-thigh pain while sprinting is treated as a strain
    Given an athlete reports "posterior_thigh_pain" during "sprinting"
    Then the likely cause is "acute_hamstring_strain"
    And the triage level is "modify_training"
    And "sprinting" is blocked
    And "deadlift" is blocked
    And "inner_hamstring_opener" is blocked
    And the recommendations include "hamstring_strain_first_steps"
    And the recommendations do not include "nordic_hamstring_curl"

  Scenario: Limited ankle bend in a runner gets the calf stretch
    Given the athlete's "knee_to_wall_cm" is 8
    And the athlete does "double_unders"
    Then rule "limited_ankle_bend_under_running_load" fired
    And the recommendations include "calf_stretch"
    And the triage level is "self_care"

  Scenario: Back spasms in the squat are most often a simple strain
    Given an athlete reports "low_back_spasms" during "squat"
    Then the likely cause is "nonspecific_lumbar_strain"
    And rule "lumbar_strain_when_hinging" fired
    And rule "lumbar_spasm_outside_hinging" did not fire
