"""
Interview practice mode (docs/practice.md): prompts, estimates graded in tolerance bands, a design
scored from the engine's figures, the design review and load checks, each point explained.

Pure Python: planner/ rules apply (no Qt, no exporters). Modules, imported directly (this package imports
nothing, because planner.model imports `record` for the plan's ``practice`` field):

- ``record``: the practice run saved in the plan (answers and timeline);
- ``prompts``: the prompt library (``prompts/*.json``) and each prompt's reference design;
- ``steps``: the timed steps, minute budgets per level, what the timeline says about time;
- ``estimation``: the candidate's figures against Archplan's, consistency, bands and unit slips;
- ``design``: checks of the candidate's plan (request paths, key design points, stores, load, zones);
- ``score``: the rubric: dimensions, points with explanations, the total and its band.
"""
