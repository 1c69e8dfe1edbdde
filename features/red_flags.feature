Feature: Red flags always win
  Some signs need a clinician, not a drill. A red flag sets the triage level
  (see_clinician, same_day or emergency); at see_clinician or above no exercise
  is recommended, only the referral for the level, whatever else the athlete reports.

  Scenario: Saddle numbness with back spasms when deadlifting is an emergency
    Given an athlete reports "low_back_spasms" during "deadlift"
    And the athlete also reports "saddle_numbness"
    And the athlete's "knee_to_wall_cm" is 6.5
    When the report is triaged
    Then the triage level is "emergency"
    And the red flag "saddle_numbness" is raised
    And no exercise is recommended
    And the recommendations include "seek_emergency_care"
    And the recommendations do not include "inner_hamstring_opener"
    And the recommendations do not include "calf_stretch"
    And the likely cause is "inner_hamstring_weakness"

  Scenario Outline: Every red flag overrides the article's advice
    Given an athlete reports "low_back_spasms" during "deadlift"
    And the athlete also reports "<flag>"
    When the report is triaged
    Then the triage level is "<level>"
    And the triage level is at least "see_clinician"
    And the red flag "<flag>" is raised
    And rule "<flag>" fired
    And no exercise is recommended
    And the recommendations include "<referral>"
    And the recommendations do not include "inner_hamstring_opener"

    Examples: cauda equina signs: emergency
      | flag                         | level     | referral            |
      | saddle_numbness              | emergency | seek_emergency_care |
      | bladder_or_bowel_dysfunction | emergency | seek_emergency_care |
      | new_sexual_dysfunction       | emergency | seek_emergency_care |
      | progressive_leg_weakness     | emergency | seek_emergency_care |

    Examples: infection, cancer and fracture signs
      | flag                    | level         | referral            |
      | fever_or_unwell         | same_day      | same_day_assessment |
      | unexplained_weight_loss | see_clinician | see_clinician       |
      | night_pain              | see_clinician | see_clinician       |
      | cancer_history          | see_clinician | see_clinician       |
      | major_trauma            | same_day      | same_day_assessment |

    Examples: nerves and inflammatory back pain
      | flag                      | level         | referral      |
      | widespread_neurology      | see_clinician | see_clinician |
      | inflammatory_back_pattern | see_clinician | see_clinician |

    Examples: hamstring, knee and ankle injuries
      | flag                         | level         | referral            |
      | thigh_pop_with_bruising      | same_day      | same_day_assessment |
      | rapid_knee_swelling          | same_day      | same_day_assessment |
      | knee_locked                  | same_day      | same_day_assessment |
      | kneecap_dislocation          | same_day      | same_day_assessment |
      | hot_swollen_joint            | same_day      | same_day_assessment |
      | injured_limb_cold_or_numb    | emergency     | seek_emergency_care |
      | knee_giving_way              | see_clinician | see_clinician       |
      | unable_to_bear_weight        | same_day      | same_day_assessment |
      | bone_tenderness_after_injury | same_day      | same_day_assessment |
      | achilles_pop_or_gap          | emergency     | seek_emergency_care |
      | ankle_pain_not_settling      | see_clinician | see_clinician       |
      | positive_ankle_squeeze_test  | see_clinician | see_clinician       |
      | pain_on_screening_test       | see_clinician | see_clinician       |

  Scenario: History-like red flags count under history too
    Given an athlete reports "knee_pain"
    And the athlete has a history of "major_trauma"
    Then the triage level is "same_day"
    And the red flag "major_trauma" is raised
    And no exercise is recommended

  Scenario: A hot swollen joint with fever can be a septic joint
    Given an athlete reports "hot_swollen_joint"
    And the athlete also reports "fever_or_unwell"
    Then the triage level is "emergency"
    And the red flag "hot_swollen_joint_with_fever" is raised
    And the recommendations include "seek_emergency_care"

  Scenario: Back pain with a higher infection risk
    Given an athlete reports "low_back_pain_when_hinging"
    And the athlete has a history of "infection_risk"
    Then the triage level is "same_day"
    And the red flag "spinal_infection_risk" is raised
    And no exercise is recommended

  Scenario: Back pain with osteoporosis or steroid use
    Given an athlete reports "back_pain_on_extension"
    And the athlete has a history of "osteoporosis_or_steroid_use"
    Then the triage level is "same_day"
    And the red flag "spinal_fracture_risk" is raised

  Scenario: Back pain over 50 with a history of cancer
    Given an athlete reports "low_back_spasms"
    And the athlete has a history of "cancer_history"
    And the athlete is 58 years old
    Then the triage level is "same_day"
    And the red flag "back_pain_at_risk_age" is raised
    And the red flag "cancer_history" is raised

  Scenario: Back pain on arching in a teenager
    Given an athlete reports "back_pain_on_extension" during "deadlift"
    And the athlete is 16 years old
    Then the triage level is "see_clinician"
    And the red flag "adolescent_extension_back_pain" is raised
    And "deadlift" is blocked
    And "kettlebell_swing" is blocked
    And no exercise is recommended

  Scenario: The same back pain at 30 is not a red flag
    Given an athlete reports "back_pain_on_extension"
    And the athlete is 30 years old
    Then the triage level is "self_care"
    And rule "adolescent_extension_back_pain" did not fire

  Scenario: Sudden back-of-thigh pain that stopped play
    Given an athlete reports "hamstring_injury_stopped_activity"
    Then the triage level is "see_clinician"
    And the likely cause is "acute_hamstring_strain"
    And "sprinting" is blocked
    And "nordic_hamstring_curl" is blocked
    And no exercise is recommended
    And the recommendations include "see_clinician"

  Scenario: An Achilles pop blocks running and jumping
    Given an athlete reports "achilles_pop_or_gap"
    And the athlete does "running"
    Then the triage level is "emergency"
    And "running" is blocked
    And "double_unders" is blocked

  Scenario: A denied red flag raises nothing
    Given an athlete reports "low_back_spasms" during "deadlift"
    And the athlete does not have "saddle_numbness"
    And the athlete does not have "bladder_or_bowel_dysfunction"
    Then the triage level is "self_care"
    And rule "saddle_numbness" did not fire
    And the recommendations include "inner_hamstring_opener"
