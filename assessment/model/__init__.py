"""The learned model: a calibrated second opinion beside the rules, learned from outcomes.

features (the one definition of the features) → simulator (reference data from expert priors) →
training (merge with recorded outcomes, fit, held-out check, card) → persistence (skops + manifest)
→ advisor (the SecondOpinion the scoring core calls; explanation gives the reasons). See docs/model.md.
The rules' level is never changed by the model.
"""
