/**
 * The published language of eventshop: the events each service publishes on
 * {@code <service>.events} and the commands it accepts on {@code <service>.commands}, as Java
 * records. The JSON of a record (Jackson, camelCase fields) is the payload on the topic; the Kafka
 * header {@code event-type} carries the record's simple name. Services never import each other,
 * only this module. Change a record only compatibly (add fields); anything else is a new type.
 */
package eventshop.contracts;
