"""The procedures catalogue: the provincial model catalogue (versioned data in
`modelos/`, reviewed like code) that entities adopt and then adapt as their own
Procedimiento and Plantilla rows (`actions`)."""
