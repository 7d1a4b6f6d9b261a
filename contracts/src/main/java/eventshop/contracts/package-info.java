/**
 * The published language of eventshop: the events each service publishes on
 * {@code <service>.events} and the commands it accepts on {@code <service>.commands}, as Java
 * records. The JSON of a record (Jackson, camelCase fields) is the payload on the topic; the Kafka
 * header {@code event-type} carries the record's simple name. Services never import each other,
 * only this module. Change a record only compatibly (add fields); anything else is a new type.
 *
 * <p>Only what another service consumes is here. A service's internal steps (a saga's requests with
 * their attempts and deadlines, say) are private events of that service, translated at one point into
 * the commands and published events it sends (see {@code docs/architecture.md}, "Published and private
 * events"). Plain Java: records, enums, constants, and at most a constant per record
 * ({@link eventshop.contracts.orders.OrderEvent#status()}); no Spring, nothing of the services.
 */
package eventshop.contracts;
