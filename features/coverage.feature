Feature: The complaints athletes actually bring
  Suspected deep-vein thrombosis, acute knee injuries (Ottawa and Pittsburgh rules),
  plain low-back pain, sciatica, tendon complaints, bone stress injuries and
  compartment syndrome, each from its guideline; and the benign look-alikes that
  must not be over-triaged.

  Scenario: A runner on the pill with a swollen calf after a long flight
    Given an athlete reports "tight calves"
    And the athlete also reports "one calf is swollen"
    And the athlete has a history of "on the pill"
    And the athlete has a history of "long haul flight"
    When the report is triaged
    Then the triage level is "same_day"
    And the red flag "suspected_dvt" is raised
    And no exercise is recommended
    And "calf_stretch" is blocked
    And "inner_hamstring_opener" is blocked
    And the recommendations include "same_day_assessment"

  Scenario Outline: Pain in one calf with a risk factor for a clot
    Given an athlete reports "one_sided_calf_pain"
    And the athlete has a history of "<risk>"
    When the report is triaged
    Then the triage level is "same_day"
    And the red flag "calf_pain_with_clot_risk" is raised
    And "calf_stretch" is blocked

    Examples:
      | risk                          |
      | long_travel_or_immobilisation |
      | recent_surgery_or_plaster     |
      | oestrogen_use                 |
      | previous_clot                 |
      | cancer_history                |

  Scenario: Tight calves with one-sided calf pain never get a calf stretch
    Given an athlete reports "tight_calves"
    And the athlete also reports "one_sided_calf_pain"
    And the athlete does not have "long_travel_or_immobilisation"
    When the report is triaged
    Then the recommendations do not include "calf_stretch"
    And the recommendations do not include "inner_hamstring_opener"

  Scenario: A painful calf with breathlessness is a possible pulmonary embolism
    Given an athlete reports "one calf hurts"
    And the athlete also reports "suddenly short of breath"
    When the report is triaged
    Then the triage level is "emergency"
    And the red flag "possible_pulmonary_embolism" is raised
    And the recommendations include "seek_emergency_care"

  Scenario: Ordinary tight calves with the DVT signs denied keep the calf stretch
    Given an athlete reports "tight calves"
    And the athlete does not have "one_sided_calf_swelling"
    And the athlete does not have "one_sided_calf_pain"
    When the report is triaged
    Then the triage level is "self_care"
    And the recommendations include "calf_stretch"
    And rule "suspected_dvt" did not fire

  Scenario Outline: The Ottawa knee rule after a knee injury
    Given an athlete reports "knee_pain"
    And the athlete also reports "<finding>"
    And the athlete has a history of "twisting_or_landing_injury"
    And the athlete is 30 years old
    When the report is triaged
    Then the triage level is "same_day"
    And the red flag "ottawa_knee_rule" is raised
    And "box_jump" is blocked

    Examples:
      | finding                      |
      | fibular_head_tenderness      |
      | isolated_patellar_tenderness |
      | cannot_bend_knee_to_90       |

  Scenario Outline: Ottawa knee rule age boundary
    Given an athlete reports "knee_pain"
    And the athlete has a history of "twisted my knee"
    And the athlete is <age> years old
    When the report is triaged
    Then rule "ottawa_knee_rule" <verb>

    Examples:
      | age | verb         |
      | 54  | did not fire |
      | 55  | fired        |

  Scenario Outline: Pittsburgh knee rule after a fall
    Given an athlete reports "knee_pain"
    And the athlete has a history of "fall_or_direct_blow"
    And the athlete is <age> years old
    When the report is triaged
    Then rule "pittsburgh_knee_rule" <verb>

    Examples:
      | age | verb         |
      | 11  | fired        |
      | 12  | did not fire |
      | 50  | did not fire |
      | 51  | fired        |

  Scenario: A minor fall with osteoporosis needs a fracture ruled out
    Given an athlete reports "hip_pain"
    And the athlete has a history of "osteoporosis_or_steroid_use"
    And the athlete has a history of "fell on it"
    When the report is triaged
    Then the triage level is "same_day"
    And the red flag "minor_trauma_with_fragile_bones" is raised

  Scenario: Plain low-back pain is most often non-specific
    Given an athlete reports "my lower back hurts"
    And the athlete is 35 years old
    When the report is triaged
    Then the triage level is "self_care"
    And a possible cause is "nonspecific_lumbar_strain"
    And rule "plain_back_pain_is_usually_nonspecific" fired
    And the recommendations include "load_and_technique_review"

  Scenario: Back pain in an athlete who does RDLs
    Given an athlete reports "plain_low_back_pain"
    And the athlete does "romanian_deadlifting"
    When the report is triaged
    Then the confidence of "nonspecific_lumbar_strain" is at least 0.5
    And rule "back_pain_with_rdl_or_olympic_lifts" fired

  Scenario Outline: New back pain at a risk age
    Given an athlete reports "plain_low_back_pain"
    And the athlete also reports "back_pain_is_new"
    And the athlete is <age> years old
    When the report is triaged
    Then the triage level is "<level>"

    Examples:
      | age | level         |
      | 19  | see_clinician |
      | 20  | self_care     |
      | 49  | self_care     |
      | 50  | self_care     |
      | 51  | see_clinician |

  Scenario: New back pain over 50 is a red flag
    Given an athlete reports "new back pain"
    And the athlete also reports "low back pain"
    And the athlete is 51 years old
    When the report is triaged
    Then the red flag "back_pain_new_at_risk_age" is raised
    And no exercise is recommended

  Scenario Outline: Plain back pain with a history that needs a clinician
    Given an athlete reports "plain_low_back_pain"
    And the athlete has a history of "<history>"
    When the report is triaged
    Then the triage level is at least "<level>"
    And the red flag "<flag>" is raised

    Examples:
      | history                     | level         | flag                 |
      | cancer_history              | see_clinician | cancer_history       |
      | infection_risk              | same_day      | spinal_infection_risk |
      | osteoporosis_or_steroid_use | same_day      | spinal_fracture_risk |

  Scenario Outline: Back pain that is not improving
    Given an athlete reports "plain_low_back_pain"
    And the athlete also reports "pain_not_improving"
    And the athlete's "pain_duration_weeks" is <weeks>
    When the report is triaged
    Then rule "back_pain_not_improving_after_6_weeks" <verb>

    Examples:
      | weeks | verb         |
      | 6     | did not fire |
      | 8     | fired        |

  Scenario: Back pain over 3 months with four inflammatory features
    Given an athlete reports "plain_low_back_pain"
    And the athlete also reports "back_pain_began_before_40"
    And the athlete also reports "back_pain_came_on_gradually"
    And the athlete also reports "back_pain_better_with_exercise"
    And the athlete also reports "back_pain_not_better_with_rest"
    And the athlete's "pain_duration_weeks" is 20
    When the report is triaged
    Then the triage level is "see_clinician"
    And the red flag "inflammatory_back_pain_over_3_months" is raised

  Scenario: Sciatica with a positive slump: train, but no heavy hinging
    Given an athlete reports "sciatica" during "deadlift"
    And the athlete also reports "slump_positive"
    When the report is triaged
    Then the triage level is "modify_training"
    And rule "radicular_pain_with_positive_nerve_test" fired
    And "deadlift" is blocked
    And "romanian_deadlift" is blocked
    And "kettlebell_swing" is blocked
    And the recommendations include "radicular_pain_advice"
    And the recommendations do not include "inner_hamstring_opener"

  Scenario: Sciatica in both legs takes the cauda-equina path
    Given an athlete reports "sciatica"
    And the athlete also reports "positive straight leg raise"
    And the athlete also reports "pain down both legs"
    When the report is triaged
    Then the triage level is "emergency"
    And the red flag "progressive_leg_weakness" is raised

  Scenario: Sciatica without a nerve test: train, but no heavy hinging
    Given an athlete reports "sciatica" during "deadlift"
    When the report is triaged
    Then the triage level is "modify_training"
    And rule "sciatica_leg_pain_below_knee" fired
    And "deadlift" is blocked
    And "kettlebell_swing" is blocked
    And the recommendations include "radicular_pain_advice"
    And the recommendations do not include "inner_hamstring_opener"

  Scenario: Sciatica that is getting worse needs a clinician, whatever its duration
    Given an athlete reports "sciatica"
    And the athlete also reports "pain_not_improving"
    When the report is triaged
    Then the triage level is "see_clinician"
    And the red flag "worsening_sciatica" is raised

  Scenario: A stiff Achilles that warms up is not over-triaged
    Given an athlete reports "achilles is stiff in the morning"
    And the athlete does "running"
    When the report is triaged
    Then the triage level is "self_care"
    And a possible cause is "achilles_tendinopathy"
    And the recommendations include "tendon_load_advice"

  Scenario: An Achilles that hurts on the first steps in the morning: less jumping
    Given an athlete reports "achilles hurts first thing in the morning"
    And the athlete does "running"
    When the report is triaged
    Then the triage level is "modify_training"
    And rule "achilles_pain_in_the_morning" fired
    And "double_unders" is blocked
    And "box_jump" is blocked
    And the recommendations include "tendon_load_advice"

  Scenario: Achilles pain under load needs a loading plan
    Given an athlete reports "achilles_pain_on_loading" during "double_unders"
    When the report is triaged
    Then the triage level is "see_clinician"
    And the likely cause is "achilles_tendinopathy"
    And "double_unders" is blocked
    And "box_jump" is blocked

  Scenario: A stiff patellar tendon that warms up
    Given an athlete reports "patellar_tendon_morning_stiffness"
    When the report is triaged
    Then the triage level is "self_care"
    And rule "patellar_tendon_stiffness_that_warms_up" fired

  Scenario: Jumper's knee in a volleyball player
    Given an athlete reports "jumper's knee" during "volleyball"
    When the report is triaged
    Then the triage level is "see_clinician"
    And the likely cause is "patellar_tendinopathy"
    And rule "patellar_tendon_pain_in_a_jumper" fired
    And "jumping_sports" is blocked

  Scenario Outline: Bone stress injury signs
    Given an athlete reports "<sign>" during "running"
    When the report is triaged
    Then the triage level is "<level>"
    And the red flag "<flag>" is raised
    And "running" is blocked
    And no exercise is recommended

    Examples:
      | sign                     | level         | flag                          |
      | focal_bone_pain          | see_clinician | suspected_bone_stress_injury  |
      | pain_on_hopping          | see_clinician | suspected_bone_stress_injury  |
      | bone_pain_at_night       | see_clinician | suspected_bone_stress_injury  |
      | bone_pain_high_risk_site | same_day      | bone_stress_at_high_risk_site |

  Scenario Outline: Acute compartment syndrome signs are an emergency
    Given an athlete reports "<sign>"
    And the athlete has a history of "got kicked"
    When the report is triaged
    Then the triage level is "emergency"
    And the red flag "acute_compartment_syndrome" is raised

    Examples:
      | sign                    |
      | pain_out_of_proportion  |
      | tense_swollen_lower_leg |
      | pain_on_passive_stretch |

  Scenario: Leg pain that builds at the same point of every run
    Given an athlete reports "exertional_leg_pain" during "running"
    When the report is triaged
    Then the triage level is "see_clinician"
    And the red flag "exertional_compartment_syndrome" is raised

  Scenario: DOMS after lunges is not over-triaged
    Given an athlete reports "sore quads after lunges"
    When the report is triaged
    Then the triage level is "self_care"
    And the likely cause is "delayed_onset_muscle_soreness"
    And the recommendations include "doms_advice"
