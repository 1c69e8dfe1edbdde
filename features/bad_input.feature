Feature: Bad input is rejected with a message that names the problem
  A report with an unknown id or an impossible value is refused, never guessed at.
  Labels and synonyms from the pack's vocabulary are accepted in place of ids.

  Scenario: An unknown symptom, with a suggestion
    Given an athlete reports "low_back_spasm"
    When the report is triaged
    Then the report is rejected with a message containing "unknown symptom"
    And the report is rejected with a message containing "did you mean 'low_back_spasms'"

  Scenario: An unknown activity
    Given an athlete reports "low_back_spasms" during "zumba"
    Then the report is rejected with a message containing "activities[0]"

  Scenario: An unknown measurement
    Given the athlete's "sit_and_reach_cm" is 10
    Then the report is rejected with a message containing "unknown measurement 'sit_and_reach_cm'"

  Scenario Outline: A value outside the test's valid range
    Given the athlete's "<test>" is <value>
    Then the report is rejected with a message containing "<message>"

    Examples:
      | test                           | value | message                                    |
      | knee_to_wall_cm                | 45    | knee_to_wall_cm                            |
      | knee_to_wall_cm                | 45    | outside the valid range                    |
      | fingertip_to_floor_cm          | -50   | fingertip_to_floor_cm                      |
      | passive_straight_leg_raise_deg | 200   | outside the valid range                    |

  Scenario: A sided value outside the range names the side
    Given the athlete's left "knee_to_wall_cm" is 25
    Then the report is rejected with a message containing "knee_to_wall_cm.left"

  Scenario: Left and right on a test that is not sided
    Given the athlete's left "fingertip_to_floor_cm" is 5
    Then the report is rejected with a message containing "not a sided test"

  Scenario: An impossible age
    Given an athlete reports "knee_pain"
    And the athlete is 130 years old
    Then the report is rejected with a message containing "age"

  Scenario: A symptom both reported and denied
    Given an athlete reports "tight_calves"
    And the athlete does not have "tight_calves"
    Then the report is rejected with a message containing "both present and absent"

  Scenario: An activity given as a symptom
    Given an athlete reports "deadlift"
    Then the report is rejected with a message containing "is an activity, not a symptom"

  Scenario: Labels and synonyms are accepted
    Given an athlete reports "my back seized up" during "Deadlift"
    And the athlete's "Knee to wall" is 7
    Then the likely cause is "Weak inner hamstrings (coaching lore)"
    And a possible cause is "calf tightness"
    And the recommendations include "hinge opener"
