# language: nl
Functionaliteit: Het artikel van CrossFit Leiden en de alarmsignalen, in het Nederlands
  Dezelfde regels als de Engelse scenario's, geschreven zoals een coach of
  fysiotherapeut in Leiden ze opschrijft. Ids blijven ids; waar een id staat mag ook
  het Nederlandse label van het regelpakket staan. Alarmsignalen gaan altijd voor: bij
  een alarmsignaal wordt geen oefening aanbevolen, alleen de verwijzing voor het niveau.

  # Bewering 1 van het artikel: de drie signalen van zwakke binnenste hamstrings tellen op
  Scenario: Spit bij de deadlift, niet bij de grond komen en een stijve enkel
    Gegeven een atleet meldt "low_back_spasms" tijdens "deadlift"
    En de atleet meldt ook "cannot_touch_floor"
    En de "knee_to_wall_cm" van de atleet is 6,5
    Als de melding wordt getrieerd
    Dan is de waarschijnlijke oorzaak "inner_hamstring_weakness"
    En is de zekerheid van "inner_hamstring_weakness" minstens 0,78
    En is een mogelijke oorzaak "nonspecific_lumbar_strain"
    En bevatten de aanbevelingen "inner_hamstring_opener"
    En is het triageniveau "self_care"
    En is regel "article_hinge_back_spasms" afgegaan
    En is regel "article_failed_toe_touch" afgegaan
    En is regel "article_limited_ankle_bend" afgegaan
    En is regel "article_opener_for_inner_hamstrings" afgegaan

  Abstract Scenario: Eén, twee of drie signalen uit het artikel
    Gegeven een atleet meldt "<eerste>"
    En de "<test>" van de atleet is <waarde>
    En de atleet doet "<activiteit>"
    Als de melding wordt getrieerd
    Dan is de zekerheid van "inner_hamstring_weakness" minstens <minstens>
    En is de zekerheid van "inner_hamstring_weakness" lager dan <lager>
    En bevatten de aanbevelingen "inner_hamstring_opener"
    En is het triageniveau "zelfzorg"

    Voorbeelden: één signaal is mogelijk, twee waarschijnlijk
      | eerste             | test                  | waarde | activiteit | minstens | lager |
      | cannot_touch_floor | knee_to_wall_cm       | 13     | running    | 0,4      | 0,6   |
      | cannot_touch_floor | knee_to_wall_cm       | 6,5    | running    | 0,6      | 0,7   |
      | low_back_spasms    | fingertip_to_floor_cm | 12     | deadlift   | 0,6      | 0,7   |

  # Bewering 1: knie- of heuppijn alleen zegt weinig
  Scenario: Alleen heuppijn is niet genoeg voor zwakke binnenste hamstrings
    Gegeven een atleet meldt "hip_pain"
    Dan is regel "article_knee_or_hip_pain" afgegaan
    En wordt "inner_hamstring_weakness" niet voorgesteld
    En wordt er geen oefening aanbevolen

  # Bewering 2: de "externe keten" laat je rug het werk doen en dat geeft spit
  Scenario: Spit bij kettlebell swings, met de Nederlandse labels
    Gegeven een atleet meldt "Spit / rugkramp" tijdens "Kettlebell swing"
    Als de melding wordt getrieerd
    Dan is een mogelijke oorzaak "Zwakke binnenste hamstrings (coachingsidee)"
    En is de zekerheid van "inner_hamstring_weakness" lager dan 0,6
    En is de waarschijnlijke oorzaak "nonspecific_lumbar_strain"
    En is regel "article_hinge_back_spasms" afgegaan
    En bevatten de aanbevelingen "load_and_technique_review"

  # Bewering 3: tillen vanuit de onderrug
  Scenario: Tillen vanuit de onderrug
    Gegeven een atleet meldt "lifts_with_lower_back"
    Dan is regel "article_lifting_with_the_back" afgegaan
    En is een mogelijke oorzaak "external_torque_chain_dominance"
    En is de zekerheid van "external_torque_chain_dominance" lager dan 0,6
    En bevatten de aanbevelingen "hip_hinge_drill"
    En bevatten de aanbevelingen "inner_hamstring_opener"

  # Bewering 4: "haaienvinnen" (dikke rugstrekkers) alleen zijn zwak bewijs
  Scenario: Opvallende rugstrekkers alleen
    Gegeven een atleet meldt "prominent_lumbar_erectors"
    Dan is regel "article_shark_fins" afgegaan
    En wordt "external_torque_chain_dominance" niet voorgesteld
    En wordt er niets aanbevolen

  # Bewering 5: een zwakke hamstring is een korte hamstring; de teentoets laat het zien
  Scenario: Niet bij de grond komen met een lage passieve beenheffing
    Gegeven de "fingertip_to_floor_cm" van de atleet is 15
    En de "passive_straight_leg_raise_deg" van de atleet is 60
    Dan is regel "article_weak_hamstrings_are_short" afgegaan
    En is een mogelijke oorzaak "hamstring_shortening"
    En bevatten de aanbevelingen "romanian_deadlift"

  # Bewering 6: de kuiten compenseren; kuitrekken is volgens het artikel niet nodig,
  #             het onderzoek zegt iets anders
  Scenario: Stijve kuiten
    Gegeven een atleet meldt "tight_calves"
    Dan is regel "article_calf_compensation" afgegaan
    En is een mogelijke oorzaak "calf_compensation"
    En is een mogelijke oorzaak "calf_tightness"
    En bevatten de aanbevelingen "inner_hamstring_opener"
    En bevatten de aanbevelingen "calf_stretch"

  # Bewering 7: de opener bouwt kracht op in de eindstand en verlaagt het blessurerisico
  Scenario: Gemeten zwakke hamstrings
    Gegeven de "single_leg_bridge_reps" van de atleet is 15
    Dan is regel "article_measured_hamstring_weakness" afgegaan
    En is een mogelijke oorzaak "hamstring_strain_risk"
    En bevatten de aanbevelingen "nordic_hamstring_curl"
    En bevatten de aanbevelingen "inner_hamstring_opener"

  # Elk alarmsignaal gaat voor het advies uit het artikel
  Abstract Scenario: Een alarmsignaal naast spit bij de deadlift
    Gegeven een atleet meldt "low_back_spasms" tijdens "deadlift"
    En de atleet meldt ook "<alarmsignaal>"
    Als de melding wordt getrieerd
    Dan is het triageniveau "<niveau>"
    En is het triageniveau minstens "see_clinician"
    En gaat het alarmsignaal "<regel>" af
    En is regel "<regel>" afgegaan
    En wordt er geen oefening aanbevolen
    En bevatten de aanbevelingen "<verwijzing>"
    En bevatten de aanbevelingen "inner_hamstring_opener" niet

    Voorbeelden: spoed
      | alarmsignaal                                                                  | regel                             | niveau        | verwijzing          |
      | Doof gevoel in het zadelgebied (zadelanesthesie, rijbroekgebied)              | saddle_numbness                   | emergency     | seek_emergency_care |
      | Nieuwe problemen met plassen of ontlasting                                    | bladder_or_bowel_dysfunction      | emergency     | seek_emergency_care |
      | Nieuwe seksuele problemen                                                     | new_sexual_dysfunction            | emergency     | seek_emergency_care |
      | Toenemend of tweezijdig krachtverlies of doof gevoel in de benen              | progressive_leg_weakness          | emergency     | seek_emergency_care |
      | Geblesseerd been of voet koud, bleek of gevoelloos                            | injured_limb_cold_or_numb         | emergency     | seek_emergency_care |
      | Knal of deuk in de achillespees, kan niet op de tenen staan                   | achilles_pop_or_gap               | emergency     | seek_emergency_care |
      | Hevige pijn die niet past bij de blessure                                     | acute_compartment_syndrome        | emergency     | seek_emergency_care |

    Voorbeelden: vandaag nog
      | alarmsignaal                                                                  | regel                             | niveau        | verwijzing          |
      | Koorts of je algemeen ziek voelen                                             | fever_or_unwell                   | same_day      | same_day_assessment |
      | Warm, rood, gezwollen gewricht                                                | hot_swollen_joint                 | same_day      | same_day_assessment |
      | Ernstig trauma                                                                | major_trauma                      | same_day      | same_day_assessment |
      | Knap bij de bil of bovenin het bovenbeen met blauwe plek of moeite met lopen  | thigh_pop_with_bruising           | same_day      | same_day_assessment |
      | Knie binnen enkele uren na een blessure opgezwollen                           | rapid_knee_swelling               | same_day      | same_day_assessment |
      | Knie zit op slot en kan niet strekken                                         | knee_locked                       | same_day      | same_day_assessment |
      | Knieschijf uit de kom geweest                                                 | kneecap_dislocation               | same_day      | same_day_assessment |
      | Kan geen vier stappen zetten                                                  | unable_to_bear_weight             | same_day      | same_day_assessment |
      | Bot pijnlijk bij drukken na een blessure                                      | bone_tenderness_after_injury      | same_day      | same_day_assessment |
      | Eén kuit dik, warm of gevoelig                                                | suspected_dvt                     | same_day      | same_day_assessment |
      | Botpijn op een risicoplek voor stressfracturen                                | bone_stress_at_high_risk_site     | same_day      | same_day_assessment |

    Voorbeelden: naar een zorgverlener
      | alarmsignaal                                                                  | regel                             | niveau        | verwijzing          |
      | Kanker in de voorgeschiedenis                                                 | cancer_history                    | see_clinician | see_clinician       |
      | Onverklaard gewichtsverlies                                                   | unexplained_weight_loss           | see_clinician | see_clinician       |
      | Nachtelijke pijn die niet minder wordt als je anders gaat liggen              | night_pain                        | see_clinician | see_clinician       |
      | Uitgebreide of zich uitbreidende gevoelloosheid, tintelingen of krachtverlies | widespread_neurology              | see_clinician | see_clinician       |
      | Langdurige rugpijn met een ontstekingspatroon                                 | inflammatory_back_pattern         | see_clinician | see_clinician       |
      | Plotselinge pijn achter in het bovenbeen waardoor je moest stoppen            | hamstring_injury_stopped_activity | see_clinician | see_clinician       |
      | Knie blijft op slot schieten, haken of doorzakken                             | knee_giving_way                   | see_clinician | see_clinician       |
      | Pijn en zwelling van de enkel na een week niet minder                         | ankle_pain_not_settling           | see_clinician | see_clinician       |
      | Knijpen in het onderbeen doet pijn bij de enkel                               | positive_ankle_squeeze_test       | see_clinician | see_clinician       |
      | Pijn tijdens een screeningstest                                               | pain_on_screening_test            | see_clinician | see_clinician       |
      | Beenpijn die op een vast moment in een loop opkomt en in rust wegtrekt        | exertional_compartment_syndrome   | see_clinician | see_clinician       |
      | Pijn op één plek van een bot die erger wordt bij belasten                     | suspected_bone_stress_injury      | see_clinician | see_clinician       |

  # Alarmsignalen die uit meer dan één gegeven bestaan
  Scenario: Rugpijn bij iemand met een verhoogd infectierisico
    Gegeven een atleet meldt "plain_low_back_pain"
    En de atleet heeft een voorgeschiedenis van "infection_risk"
    Dan is het triageniveau "same_day"
    En is regel "spinal_infection_risk" afgegaan
    En wordt er geen oefening aanbevolen

  Scenario: Een warm, gezwollen gewricht met koorts is spoed
    Gegeven een atleet meldt "hot_swollen_joint"
    En de atleet meldt ook "fever_or_unwell"
    Dan is het triageniveau "spoed"
    En gaat het alarmsignaal "hot_swollen_joint_with_fever" af
    En bevatten de aanbevelingen "seek_emergency_care"

  Scenario: Spit na je vijftigste met nachtelijke pijn
    Gegeven een atleet meldt "low_back_spasms"
    En de atleet meldt ook "night_pain"
    En de atleet is 55 jaar oud
    Dan is het triageniveau "same_day"
    En is regel "back_pain_at_risk_age" afgegaan

  Scenario: Rugpijn bij botontkalking of langdurig prednisongebruik
    Gegeven een atleet meldt "plain_low_back_pain"
    En de atleet heeft een voorgeschiedenis van "osteoporosis_or_steroid_use"
    Dan is regel "spinal_fracture_risk" afgegaan
    En is het triageniveau minstens "same_day"

  Scenario: Een tiener met rugpijn bij achterover buigen
    Gegeven een atleet meldt "back_pain_on_extension"
    En de atleet is 16 jaar oud
    Dan is regel "adolescent_extension_back_pain" afgegaan
    En is het triageniveau minstens "see_clinician"
    En wordt er geen oefening aanbevolen

  Scenario: Kuitpijn aan één kant na een lange vlucht
    Gegeven een atleet meldt "one_sided_calf_pain"
    En de atleet heeft een voorgeschiedenis van "long_travel_or_immobilisation"
    Dan is regel "calf_pain_with_clot_risk" afgegaan
    En is het triageniveau "same_day"
    En bevatten de aanbevelingen "same_day_assessment"

  Scenario: Kortademig met een pijnlijke kuit: denk aan een longembolie
    Gegeven een atleet meldt "breathless_or_chest_pain"
    En de atleet meldt ook "one_sided_calf_pain"
    Dan is het triageniveau "emergency"
    En gaat het alarmsignaal "possible_pulmonary_embolism" af

  Scenario: Knieblessure na een verdraaiing bij iemand van 56 (Ottawa-knieregel)
    Gegeven een atleet meldt "knee_pain"
    En de atleet heeft een voorgeschiedenis van "twisting_or_landing_injury"
    En de atleet is 56 jaar oud
    Dan is regel "ottawa_knee_rule" afgegaan
    En is het triageniveau "same_day"

  Scenario: Val op de knie bij iemand van 60 (Pittsburgh-knieregel)
    Gegeven een atleet meldt "knee_pain"
    En de atleet heeft een voorgeschiedenis van "fall_or_direct_blow"
    En de atleet is 60 jaar oud
    Dan is regel "pittsburgh_knee_rule" afgegaan
    En is het triageniveau "same_day"

  Scenario: Een val bij broze botten
    Gegeven de atleet heeft een voorgeschiedenis van "osteoporosis_or_steroid_use"
    En de atleet heeft een voorgeschiedenis van "fall_or_direct_blow"
    Dan is regel "minor_trauma_with_fragile_bones" afgegaan
    En is het triageniveau minstens "same_day"

  Scenario: Nieuwe rugpijn na je vijftigste
    Gegeven een atleet meldt "plain_low_back_pain"
    En de atleet meldt ook "back_pain_is_new"
    En de atleet is 58 jaar oud
    Dan is regel "back_pain_new_at_risk_age" afgegaan
    En is het triageniveau minstens "see_clinician"

  Scenario: Rugpijn die na zes weken niet beter wordt
    Gegeven een atleet meldt "plain_low_back_pain"
    En de atleet meldt ook "pain_not_improving"
    En de "pain_duration_weeks" van de atleet is 8
    Dan is regel "back_pain_not_improving_after_6_weeks" afgegaan
    En is het triageniveau minstens "see_clinician"

  Scenario: Rugpijn met een ontstekingspatroon, langer dan drie maanden
    Gegeven een atleet meldt:
      | soort    | id                             | waarde |
      | symptoom | plain_low_back_pain            |        |
      | symptoom | back_pain_began_before_40      |        |
      | symptoom | back_pain_came_on_gradually    |        |
      | symptoom | back_pain_better_with_exercise |        |
      | symptoom | back_pain_not_better_with_rest |        |
      | meting   | pain_duration_weeks            | 20     |
    Dan is regel "inflammatory_back_pain_over_3_months" afgegaan
    En is het triageniveau minstens "see_clinician"
    En wordt er geen oefening aanbevolen

  Scenario: Ischias zonder zenuwtest: blijf trainen, maar geen zware hinge
    Gegeven een atleet meldt "ischias" tijdens "deadlift"
    Dan is het triageniveau "modify_training"
    En is regel "sciatica_leg_pain_below_knee" afgegaan
    En bevatten de aanbevelingen "radicular_pain_advice"
    En bevatten de aanbevelingen "inner_hamstring_opener" niet

  Scenario: Ischias die erger wordt hoort bij een zorgverlener, hoe lang het ook duurt
    Gegeven een atleet meldt "leg_pain_below_knee"
    En de atleet meldt ook "pain_not_improving"
    Dan gaat het alarmsignaal "worsening_sciatica" af
    En is het triageniveau "see_clinician"

  Scenario: Een achillespees die 's ochtends bij de eerste stappen pijn doet: minder springen
    Gegeven een atleet meldt "achilles_morning_pain" tijdens "running"
    Dan is het triageniveau "modify_training"
    En is regel "achilles_pain_in_the_morning" afgegaan
    En bevatten de aanbevelingen "tendon_load_advice"
