"""Pictures of routines: the plan drawn on the back map."""
