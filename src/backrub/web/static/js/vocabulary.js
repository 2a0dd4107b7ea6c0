// Written by `python -m backrub.web.vocabulary` from backrub/knowledge: do not edit by hand.
export const VOCABULARY = Object.freeze({
 "places": {
  "spine": "spine",
  "neck_base": "base of the neck",
  "axilla_left": "left armpit",
  "axilla_right": "right armpit",
  "deltoid_left": "left shoulder cap",
  "deltoid_right": "right shoulder cap",
  "upper_trapezius_left": "left shoulder top",
  "upper_trapezius_right": "right shoulder top",
  "upper_arm_left": "left upper arm",
  "upper_arm_right": "right upper arm",
  "scapula_left": "left shoulder blade",
  "scapula_right": "right shoulder blade",
  "interscapular_left": "left side between the shoulder blades",
  "interscapular_right": "right side between the shoulder blades",
  "paraspinal_left": "left side of the spine",
  "paraspinal_right": "right side of the spine",
  "kidney_left": "left kidney area",
  "kidney_right": "right kidney area",
  "lumbar_left": "left lower back",
  "lumbar_right": "right lower back",
  "flank_left": "left side of the waist",
  "flank_right": "right side of the waist",
  "mid_back_left": "left middle back",
  "mid_back_right": "right middle back"
 },
 "conditionQuestions": [
  [
   "fever",
   "Do they have a fever today?"
  ],
  [
   "infectious_illness",
   "Do they have an infectious illness, such as flu?"
  ],
  [
   "dvt",
   "Could there be a blood clot in a leg? (one calf swollen, warm or painful)"
  ],
  [
   "recent_surgery",
   "Have they had surgery in the last few months?"
  ],
  [
   "pregnancy",
   "Are they pregnant?"
  ],
  [
   "fracture",
   "A broken rib or vertebra that a doctor has not yet cleared?"
  ],
  [
   "bone_disease",
   "A disease of the bones or the spine?"
  ],
  [
   "joint_inflammation",
   "Swollen, inflamed joints right now?"
  ],
  [
   "uncontrolled_hypertension",
   "High blood pressure that is not under control?"
  ],
  [
   "injury",
   "An injury or another medical problem with the back?"
  ],
  [
   "cancer",
   "Cancer, now or under treatment?"
  ],
  [
   "heart_disease",
   "A heart condition?"
  ],
  [
   "blood_thinners",
   "Do they take blood thinners?"
  ],
  [
   "bleeding_disorder",
   "A bleeding disorder, or do they bruise very easily?"
  ],
  [
   "osteoporosis",
   "Fragile bones (osteoporosis)?"
  ],
  [
   "fragile_skin",
   "Thin skin that tears or bruises easily?"
  ],
  [
   "skin_infection",
   "A skin infection on the back? (mark where on the chart)"
  ]
 ],
 "conditionNames": {
  "dvt": "a suspected blood clot",
  "fever": "a fever",
  "infectious_illness": "an infectious illness",
  "recent_surgery": "recent surgery",
  "joint_inflammation": "inflamed joints",
  "bone_disease": "a bone disease",
  "pregnancy": "pregnancy",
  "uncontrolled_hypertension": "uncontrolled high blood pressure",
  "fracture": "a broken rib or vertebra",
  "injury": "an injury or other medical problem",
  "cancer": "cancer",
  "heart_disease": "a heart condition",
  "blood_thinners": "blood thinners",
  "bleeding_disorder": "a bleeding disorder",
  "osteoporosis": "osteoporosis",
  "fragile_skin": "fragile skin",
  "skin_infection": "a skin infection"
 },
 "clearable": [
  "cancer",
  "heart_disease",
  "injury"
 ],
 "minutes": {
  "full": [
   15.0,
   60.0
  ],
  "comfort": [
   3.0,
   10.0
  ],
  "default": 30,
  "comfortDefault": 8
 }
});
