namespace AgentOS.Scheduling;

/// <summary>Estimates the total service an item needs, for length-aware policies (SJF). Called on the dispatcher thread.</summary>
/// <typeparam name="T">The scheduled item.</typeparam>
public interface ICostEstimator<in T> where T : ISchedulable
{
    /// <summary>The estimated total service, in the resource's cost unit.</summary>
    double Estimate(T item);
}

/// <summary>Takes the submitter's hint (<see cref="SchedulingTicket.EstimatedCost"/>) at face value.</summary>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class HintCostEstimator<T> : ICostEstimator<T> where T : ISchedulable
{
    /// <inheritdoc />
    public double Estimate(T item) => item.Ticket.EstimatedCost;
}
