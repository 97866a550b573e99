"""The review workflow of anything a unit fills and the bureau reviews (a target row, a 调整申请,
a 任务书, a filing, a monitoring report): `review.engine` (the statuses, `Reviewable`,
`transition()`, the review queue's registry) and `review.views` (`step_view`, a step as a page's
POST). A plain package between `units` and `targets`: no models, no templates, no app config."""
