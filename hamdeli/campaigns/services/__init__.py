"""Every write of the campaigns app: one transaction each, with its audit entry.

awareness: campaigns, design sets, files, placements; advocacy: statements and endorsements;
recognition: items, copies, recipients, handovers.
"""
