"""The JSON API (/api/v1/). Every view fetches through an access helper or the policy, as the pages do,
and writes through the same services as the grid and the row page."""
