"""What a lead provider does to a participant's training through the API: defer, withdraw, resume,
change schedule (A, S). Each locks the participant, finds the enrolment the provider named, checks
its rules in the order the API reports them, and changes the training in one unit of work."""
