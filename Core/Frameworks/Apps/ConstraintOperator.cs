namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>Marathon's placement operators.</summary>
internal enum ConstraintOperator
{
    Unique,
    Cluster,
    GroupBy,
    Like,
    Unlike,
    MaxPer,
}
